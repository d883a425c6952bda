import { z } from "zod";
import { projectCode, text } from "../runtime/schemas.js";
import { ADMIN_ONLY, FINANCE_WRITERS, QUEUES } from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction } from "../runtime/declarations.js";
import { outcomeOf } from "./stored-response.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const runView = z.object({
  runId: z.string(),
  mode: z.enum(["full", "incremental"]),
  trigger: z.enum(["timer", "manual"]),
  status: z.enum(["QUEUED", "RUNNING", "COMPLETED", "FAILED", "SKIPPED"]),
  requestedBy: z.string().nullable(),
  watermarkFrom: z.string().nullable(),
  watermarkTo: z.string().nullable(),
  projectsChecked: z.number().int(),
  sapCalls: z.number().int(),
  inconsistenciesFound: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const entryFacts = z.object({
  entryId: z.string(),
  amount: z.string(),
  currency: z.string(),
  billingDate: z.string(),
  description: z.string(),
});
const INCONSISTENCY_STATUSES = ["OPEN", "RESOLVED", "REPAIRED"] as const;
const inconsistencyView = z.object({
  inconsistencyId: z.string(),
  projectId: z.string(),
  runId: z.string(),
  status: z.enum(INCONSISTENCY_STATUSES),
  sapState: z.object({ entryCount: z.number().int(), checksum: z.string() }),
  sqlState: z.object({ entryCount: z.number().int(), checksum: z.string() }),
  differences: z.object({
    onlyInSap: z.array(entryFacts),
    onlyInSql: z.array(entryFacts),
    changed: z.array(z.object({ entryId: z.string(), sap: entryFacts, sql: entryFacts })),
  }),
  proposal: z.object({
    side: z.literal("sql"),
    reason: z.string(),
    actions: z.array(
      z.union([
        z.object({ action: z.literal("insert"), entry: entryFacts }),
        z.object({ action: z.literal("delete"), entryId: z.string() }),
        z.object({ action: z.literal("update"), entry: entryFacts }),
      ]),
    ),
  }),
  detectedAt: z.string(),
  lastSeenAt: z.string(),
  alertedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
});

export const reconciliationRunsCreate = httpFunction({
  name: "reconciliation-runs-create",
  route: "v1/reconciliation/runs",
  method: "POST",
  summary:
    "Request a billing reconciliation pass, full or incremental (admin); runs on the reconciliation-requests queue",
  tags: ["reconciliation"],
  access: { roles: ADMIN_ONLY },
  body: z.strictObject({ mode: z.enum(["full", "incremental"]) }),
  response: runView,
  successStatus: 202,
  handler: async ({ body }, { platform, actor }) => ({
    data: await platform.reconciliation.requestRun(body.mode, actor),
  }),
});

export const reconciliationRunsList = httpFunction({
  name: "reconciliation-runs-list",
  route: "v1/reconciliation/runs",
  method: "GET",
  summary:
    "Reconciliation passes, newest first: mode, status, projects checked, SAP calls, inconsistencies found (admin, finance)",
  tags: ["reconciliation"],
  access: { roles: FINANCE_WRITERS },
  query: paged.query,
  response: z.object({ items: z.array(runView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.reconciliation.listRuns(query.page, query.pageSize);
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const reconciliationRunsGet = httpFunction({
  name: "reconciliation-runs-get",
  route: "v1/reconciliation/runs/{runId}",
  method: "GET",
  summary: "One reconciliation pass (admin, finance)",
  tags: ["reconciliation"],
  access: { roles: FINANCE_WRITERS },
  params: z.object({ runId: z.uuid() }),
  response: runView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.reconciliation.getRun(params.runId) }),
});

export const reconciliationInconsistenciesList = httpFunction({
  name: "reconciliation-inconsistencies-list",
  route: "v1/reconciliation/inconsistencies",
  method: "GET",
  summary:
    "Billing found to differ between SAP and SQL, with both states, the differing entries and a repair proposal (admin, finance)",
  tags: ["reconciliation"],
  access: { roles: FINANCE_WRITERS },
  query: paged.query.extend({ status: z.enum(INCONSISTENCY_STATUSES).optional(), projectId: projectCode.optional() }),
  response: z.object({ items: z.array(inconsistencyView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.reconciliation.listInconsistencies({
      ...(query.status ? { status: query.status } : {}),
      ...(query.projectId ? { projectId: query.projectId } : {}),
      page: query.page,
      pageSize: query.pageSize,
    });
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

const inconsistencyParams = z.object({ inconsistencyId: z.uuid() });

export const reconciliationInconsistenciesResolve = httpFunction({
  name: "reconciliation-inconsistencies-resolve",
  route: "v1/reconciliation/inconsistencies/{inconsistencyId}/resolve",
  method: "POST",
  summary: "Mark an inconsistency resolved with a comment (admin; audited); the same drift is not alerted again",
  tags: ["reconciliation"],
  access: { roles: ADMIN_ONLY },
  params: inconsistencyParams,
  body: z.strictObject({ comment: text({ min: 3, max: 1000, multiline: true }) }),
  response: inconsistencyView,
  errors: [404, 409],
  handler: async ({ params, body }, { platform, actor }) => ({
    data: await platform.reconciliation.resolve(params.inconsistencyId, body.comment, actor),
  }),
});

export const reconciliationInconsistenciesApply = httpFunction({
  name: "reconciliation-inconsistencies-apply",
  route: "v1/reconciliation/inconsistencies/{inconsistencyId}/apply",
  method: "POST",
  summary:
    "Apply an inconsistency's repair proposal through the SAGA (admin; audited); 409 if SAP changed since it was found",
  tags: ["reconciliation"],
  access: { roles: ADMIN_ONLY },
  params: inconsistencyParams,
  response: z.object({
    sagaId: z.string(),
    projectId: z.string(),
    status: z.literal("SUCCESS"),
    inconsistencyId: z.string(),
    applied: z.number().int(),
    sqlStateAfter: z.unknown(),
  }),
  errors: [404, 409, 503],
  handler: async ({ params }, { platform, actor }) => {
    return outcomeOf(await platform.reconciliation.applyProposal(params.inconsistencyId, actor));
  },
});

export const reconciliationRun = queueFunction({
  name: "reconciliation-run",
  queue: QUEUES.reconciliationRequests,
  message: z.strictObject({ runId: z.uuid() }),
  handler: async ({ runId }, { platform, logger, isLastDelivery }) =>
    platform.jobs.deliver(
      { kind: "reconciliation", jobId: runId, isLastDelivery },
      async () => {
        const run = await platform.reconciliation.runPass(runId);
        logger.info("Reconciliation pass finished", {
          run_id: runId,
          status: run.status,
          projects_checked: run.projectsChecked,
          sap_calls: run.sapCalls,
        });
      },
      (reason) => platform.reconciliation.failRun(runId, reason),
    ),
});

export const billingReconciliation = timerFunction({
  name: "billing-reconciliation",
  schedule: "BILLING_RECONCILIATION_SCHEDULE",
  reason:
    "Find billing drift between SAP and SQL soon after it appears, looking only at what changed since the last completed pass",
  handler: async ({ platform, logger, correlationId }) => {
    const run = await platform.reconciliation.recordRun("incremental", { correlationId });
    const done = await platform.reconciliation.runPass(run.runId);
    logger.info("Scheduled reconciliation pass finished", {
      run_id: done.runId,
      status: done.status,
      projects_checked: done.projectsChecked,
      inconsistencies: done.inconsistenciesFound,
    });
  },
});
