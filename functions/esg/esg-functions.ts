import { z } from "zod";
import {
  AMS_ACCOUNT_ID_PATTERN,
  FINANCE_WRITERS,
  ANY_ROLE,
  ForbiddenError,
  QUEUES,
  ValidationError,
  notAnAccountId,
  repeatedAccountIds,
  type EsgRun,
} from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction, type SendMessage } from "../runtime/declarations.js";
import { fileDownload } from "../runtime/file-download.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const RUN_STATUSES = ["QUEUED", "LISTING", "RUNNING", "ASSEMBLING", "COMPLETED", "TIMED_OUT", "FAILED"] as const;
const isoDate = z.iso.date("must be an ISO date (YYYY-MM-DD)");

const runView = z.object({
  runId: z.string(),
  runDate: z.string(),
  trigger: z.enum(["SCHEDULED", "MANUAL_FULL", "MANUAL_ACCOUNTS"]),
  status: z.enum(RUN_STATUSES),
  counts: z.object({
    total: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    partial: z.number().int(),
    pending: z.number().int(),
    reused: z.number().int(),
  }),
  progress: z.number().int(),
  listComplete: z.boolean(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  deadlineAt: z.string(),
  durationSeconds: z.number().nullable(),
  eta: z.string().nullable(),
  etaAfterDeadline: z.boolean(),
  timedOut: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.string(),
  fileUrl: z.string().optional(),
});

const toView = (run: EsgRun) => {
  const { hasFile, ...rest } = run;
  return { ...rest, ...(hasFile ? { fileUrl: `/api/v1/esg/runs/${run.runId}/file` } : {}) };
};

/** Steps of a run go to esg-batches, under this invocation's correlation id. */
const esgSteps = (send: SendMessage) => (messages: Parameters<SendMessage>[1]) => send(QUEUES.esgBatches, messages);

export const esgRunsList = httpFunction({
  name: "esg-runs-list",
  route: "v1/esg/runs",
  method: "GET",
  summary: "ESG runs, newest first, with status, counts, progress and ETA",
  tags: ["esg"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({ runDate: isoDate.optional() }),
  response: z.object({ items: z.array(runView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.esg.listRuns(
      query.page,
      query.pageSize,
      query.runDate ? { runDate: query.runDate } : {},
    );
    return { data: paged.pageOf(items.map(toView), { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const esgRunsGet = httpFunction({
  name: "esg-runs-get",
  route: "v1/esg/runs/{runId}",
  method: "GET",
  summary: "One ESG run: status, counts (total/successful/failed/partial), progress, start/end, duration, forecast",
  tags: ["esg"],
  access: { roles: ANY_ROLE },
  params: z.object({ runId: z.uuid() }),
  response: runView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: toView(await platform.esg.getRun(params.runId)) }),
});

export const esgRunsCreate = httpFunction({
  name: "esg-runs-create",
  route: "v1/esg/runs",
  method: "POST",
  summary:
    "Manual run: {accountIds: [...]} re-processes those accounts in a run and file of their own (admin, finance); {} starts the day's full run now (admin; 409 while one is in progress)",
  tags: ["esg"],
  access: { roles: FINANCE_WRITERS },
  // Each id in the Account Management System's format (ACC- and 7 digits) and named once:
  // a bad or repeated id is refused by position (accountIds.3) before any run exists.
  body: z.strictObject({
    accountIds: z
      .array(
        z
          .string()
          .trim()
          .regex(AMS_ACCOUNT_ID_PATTERN, { error: (issue) => notAnAccountId(String(issue.input)) }),
      )
      .min(1)
      .max(100_000)
      .superRefine((ids, ctx) => {
        for (const repeat of repeatedAccountIds(ids))
          ctx.addIssue({ code: "custom", path: [repeat.index], message: repeat.message });
      })
      .optional(),
  }),
  response: runView,
  successStatus: 202,
  errors: [409],
  handler: async ({ body }, { platform, principal, actor, send }) => {
    if (!body.accountIds) {
      if (!principal!.roles.includes("admin")) throw new ForbiddenError("Only an admin may start the day's full run");
      return { data: toView(await platform.esg.startFullRun(actor, esgSteps(send))), status: 202 };
    }
    const max = platform.settings.ESG_MANUAL_MAX_ACCOUNTS;
    if (body.accountIds.length > max)
      throw new ValidationError([
        {
          field: "accountIds",
          location: "body",
          message: `at most ${max} account ids per manual run (ESG_MANUAL_MAX_ACCOUNTS)`,
        },
      ]);
    return { data: toView(await platform.esg.startAccountsRun(body.accountIds, actor, esgSteps(send))), status: 202 };
  },
});

const summaryView = z.object({
  runId: z.string(),
  runDate: z.string(),
  totalProcessed: z.number().int(),
  successful: z.number().int(),
  failed: z.number().int(),
  partial: z.number().int(),
  successRate: z.string(),
  averages: z.object({
    overall: z.string().nullable(),
    environmental: z.string().nullable(),
    social: z.string().nullable(),
    governance: z.string().nullable(),
  }),
  primaryFocusDistribution: z.object({
    Environmental: z.number().int(),
    Social: z.number().int(),
    Governance: z.number().int(),
  }),
  failedAccounts: z.array(z.object({ accountId: z.string(), error: z.string().nullable() })),
  failedAccountsTruncated: z.boolean(),
  previousRunId: z.string().nullable(),
  biggestMovers: z.array(
    z.object({
      accountId: z.string(),
      accountName: z.string(),
      previousOverall: z.string(),
      overall: z.string(),
      change: z.string(),
    }),
  ),
});

export const esgRunsSummary = httpFunction({
  name: "esg-runs-summary",
  route: "v1/esg/runs/{runId}/summary",
  method: "GET",
  summary:
    "The daily summary of a finished run: totals, success rate, average scores, focus distribution, failed accounts, biggest movers (admin, finance)",
  tags: ["esg"],
  access: { roles: FINANCE_WRITERS },
  params: z.object({ runId: z.uuid() }),
  response: summaryView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.esg.getSummary(params.runId) }),
});

const fileKind = z.object({ kind: z.enum(["file", "errors", "summary"]).default("file") });

export const esgFilesGet = httpFunction({
  name: "esg-files-get",
  route: "v1/esg/files/{date}",
  method: "GET",
  summary:
    "The day's FirmESGRatings_YYYYMMDD.csv, decrypted on the fly (?kind=errors for the error file, ?kind=summary for the summary report); admin and finance; every access audited",
  tags: ["esg"],
  access: { roles: FINANCE_WRITERS },
  params: z.object({ date: isoDate }),
  query: fileKind,
  response: { raw: "text/csv" },
  errors: [404],
  handler: async ({ params, query }, { platform, actor }) =>
    fileDownload(await platform.esg.openFile({ runDate: params.date }, query.kind, actor)),
});

export const esgRunsFile = httpFunction({
  name: "esg-runs-file",
  route: "v1/esg/runs/{runId}/file",
  method: "GET",
  summary:
    "A run's own file (a manual run's FirmESGRatings_Manual_YYYYMMDD_<first 8 of its id>.csv, or a full run's), decrypted on the fly; ?kind=errors|summary; admin and finance; audited",
  tags: ["esg"],
  access: { roles: FINANCE_WRITERS },
  params: z.object({ runId: z.uuid() }),
  query: fileKind,
  response: { raw: "text/csv" },
  errors: [404],
  handler: async ({ params, query }, { platform, actor }) =>
    fileDownload(await platform.esg.openFile({ runId: params.runId }, query.kind, actor)),
});

const historyEntry = z.object({
  runId: z.string(),
  runDate: z.string(),
  trigger: z.enum(["SCHEDULED", "MANUAL_FULL", "MANUAL_ACCOUNTS"]),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  totalProcessed: z.number().int(),
  successful: z.number().int(),
  failed: z.number().int(),
  partial: z.number().int(),
  successRate: z.string().nullable(),
  averages: summaryView.shape.averages.nullable(),
  error: z.string().nullable(),
});

export const esgHistory = httpFunction({
  name: "esg-history",
  route: "v1/esg/history",
  method: "GET",
  summary:
    "Finished runs between two dates (at most 366 days), oldest first, with their summary figures, for trend analysis",
  tags: ["esg"],
  access: { roles: ANY_ROLE },
  query: z
    .object({ from: isoDate, to: isoDate })
    .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
      message: "at most 366 days",
      path: ["to"],
    }),
  response: z.object({ items: z.array(historyEntry) }),
  handler: async ({ query }, { platform }) => ({ data: { items: await platform.esg.history(query.from, query.to) } }),
});

const stepMessage = z.discriminatedUnion("step", [
  z.strictObject({ step: z.literal("list"), runId: z.uuid() }),
  z.strictObject({ step: z.literal("batch"), runId: z.uuid(), batchNo: z.number().int().min(0).max(10_000_000) }),
  z.strictObject({ step: z.literal("assemble"), runId: z.uuid() }),
]);

export const esgBatchWorker = queueFunction({
  name: "esg-batch-worker",
  queue: QUEUES.esgBatches,
  message: stepMessage,
  handler: async (step, { platform, send, isLastDelivery }) =>
    platform.esg.handleStep(step, esgSteps(send), isLastDelivery),
});

export const esgDailyStart = timerFunction({
  name: "esg-daily-start",
  schedule: "ESG_DAILY_SCHEDULE",
  reason:
    "Seed 001: the firm-wide ESG run starts at 05:00 Central every day; the UTC schedule covers both offsets and the code starts it once per local day",
  handler: async ({ platform, send, logger }) => {
    const run = await platform.esg.startScheduledRunIfDue(platform.clock.now(), esgSteps(send));
    if (run) logger.info("Daily ESG run started", { run_id: run.runId, run_date: run.runDate });
    return { workSeen: run !== undefined };
  },
});

export const esgStartWatchdog = timerFunction({
  name: "esg-start-watchdog",
  schedule: "ESG_WATCHDOG_SCHEDULE",
  reason: "Seed 001: alert when the daily ESG run has not started by 05:15 Central",
  handler: async ({ platform }) => void (await platform.esg.checkStarted(platform.clock.now())),
});

export const esgRunMonitor = timerFunction({
  name: "esg-run-monitor",
  schedule: "ESG_MONITOR_SCHEDULE",
  reason:
    "Time out runs at the window's end (09:00 Central), alert on forecast overruns and failure rates, re-send steps a crash left unsent",
  sweep: true,
  handler: async ({ platform, send }) => ({
    workSeen: (await platform.esg.monitor(esgSteps(send), platform.clock.now())) > 0,
  }),
});

export const esgFileRetention = timerFunction({
  name: "esg-file-retention",
  schedule: "ESG_RETENTION_SCHEDULE",
  reason: "Remove ESG files past ESG_FILE_RETENTION_DAYS and per-account results past ESG_RESULT_RETENTION_DAYS",
  handler: async ({ platform, logger }) => {
    const removed = await platform.esg.applyRetention(platform.clock.now());
    if (removed.files > 0 || removed.runs > 0) logger.info("ESG retention applied", removed);
  },
});

export const esgFunctions = [
  esgRunsCreate,
  esgRunsList,
  esgRunsGet,
  esgRunsSummary,
  esgRunsFile,
  esgFilesGet,
  esgHistory,
  esgBatchWorker,
  esgDailyStart,
  esgStartWatchdog,
  esgRunMonitor,
  esgFileRetention,
];
