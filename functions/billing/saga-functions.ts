import { z } from "zod";
import { projectCode } from "../runtime/schemas.js";
import { FINANCE_WRITERS } from "../../shared/index.js";
import { httpFunction, timerFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const SAGA_STATUSES = ["IN_PROGRESS", "SUCCESS", "FAILED", "ROLLED_BACK", "COMPENSATION_FAILED"] as const;

const sagaView = z.object({
  sagaId: z.string(),
  projectId: z.string(),
  operationType: z.string(),
  step: z.string(),
  status: z.enum(SAGA_STATUSES),
  sqlStateBefore: z.unknown(),
  sqlStateAfter: z.unknown(),
  sapResult: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const sagasList = httpFunction({
  name: "sagas-list",
  route: "v1/sagas",
  method: "GET",
  summary: "Billing sagas, newest first, by status and project (admin, finance)",
  tags: ["billing"],
  access: { roles: FINANCE_WRITERS },
  query: paged.query.extend({ status: z.enum(SAGA_STATUSES).optional(), projectId: projectCode.optional() }),
  response: z.object({ items: z.array(sagaView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.billing.listSagas({
      ...(query.status ? { status: query.status } : {}),
      ...(query.projectId ? { projectId: query.projectId } : {}),
      page: query.page,
      pageSize: query.pageSize,
    });
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const sagasGet = httpFunction({
  name: "sagas-get",
  route: "v1/sagas/{sagaId}",
  method: "GET",
  summary: "One saga: step, status, SQL state before and after, SAP result (admin, finance)",
  tags: ["billing"],
  access: { roles: FINANCE_WRITERS },
  params: z.object({ sagaId: z.uuid() }),
  response: sagaView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.billing.getSaga(params.sagaId) }),
});

export const sagaRecovery = timerFunction({
  name: "saga-recovery",
  schedule: "SAGA_RECOVERY_SCHEDULE",
  reason:
    "Finish or undo billing sagas a crashed process left IN_PROGRESS, and retry failed SAP compensations, by asking SAP what it holds",
  sweep: true,
  handler: async ({ platform, logger, correlationId }) => {
    const settled = await platform.billing.recoverSagas({ correlationId });
    if (settled > 0) logger.info("Billing sagas recovered", { settled });
    return { workSeen: settled > 0 || (await platform.billing.hasUnsettledSagas()) };
  },
});
