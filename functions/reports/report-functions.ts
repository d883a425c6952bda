import { z } from "zod";
import { projectCode } from "../runtime/schemas.js";
import { ANY_ROLE, QUEUES, REPORT_TYPES, type Principal, type Report } from "../../shared/index.js";
import {
  httpFunction,
  queueFunction,
  timerFunction,
  type HttpContext,
  type SendMessage,
} from "../runtime/declarations.js";
import { fileDownload } from "../runtime/file-download.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const reportView = z.object({
  reportId: z.string(),
  status: z.enum(["QUEUED", "PROCESSING", "COMPLETED", "FAILED"]),
  progress: z.number().int(),
  reportType: z.enum(REPORT_TYPES),
  format: z.enum(["excel", "pdf"]),
  projectIds: z.array(z.string()),
  attempts: z.number().int(),
  error: z.string().nullable(),
  warnings: z
    .array(z.string())
    .describe(
      'What the finished report could not show, e.g. "Project PRJ-999999: not found in SAP"; the file lists the same',
    ),
  sizeBytes: z.number().nullable(),
  rowCount: z.number().int().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  downloadUrl: z.string().optional(),
});

const viewerOf = (principal: Principal | undefined) => ({
  userId: principal!.userId,
  isAdmin: principal!.roles.includes("admin"),
});
function toView(report: Report) {
  const { requestedBy: _requestedBy, ...rest } = report;
  return {
    ...rest,
    ...(report.status === "COMPLETED" ? { downloadUrl: `/api/v1/reports/${report.reportId}/download` } : {}),
  };
}

/** The report worker's messages: retries to report-requests, completion notices to task-completed. */
const reportMessages = (send: SendMessage) => ({
  request: (m: Parameters<SendMessage>[1]) => send(QUEUES.reportRequests, m),
  completed: (m: Parameters<SendMessage>[1]) => send(QUEUES.taskCompleted, m),
});

const isoDate = z.iso.date("must be an ISO date (YYYY-MM-DD)");

export const reportsGenerate = httpFunction({
  name: "reports-generate",
  route: "v1/reports/generate",
  method: "POST",
  summary:
    "Request an Excel or PDF report; 202 {reportId, status: QUEUED} once the request is durable; poll GET /v1/reports/{reportId}",
  tags: ["reports"],
  access: { roles: ANY_ROLE },
  body: z.strictObject({
    projectIds: z.array(projectCode).min(1).max(1000),
    reportType: z.enum(REPORT_TYPES),
    options: z.strictObject({
      format: z.enum(["excel", "pdf"]),
      dateRange: z
        .strictObject({ start: isoDate, end: isoDate })
        .refine((r) => r.start <= r.end, { message: "start must not be after end", path: ["start"] })
        .optional(),
      includeResources: z.boolean().default(false),
    }),
  }),
  response: z.object({ reportId: z.string(), status: z.literal("QUEUED") }),
  successStatus: 202,
  handler: async ({ body }, ctx: HttpContext) => {
    const { platform, actor, principal } = ctx;
    const request = {
      projectIds: [...new Set(body.projectIds)],
      reportType: body.reportType,
      options: {
        format: body.options.format,
        includeResources: body.options.includeResources,
        ...(body.options.dateRange ? { dateRange: body.options.dateRange } : {}),
      },
    };
    const report = await platform.reports.requestReport(request, { ...actor, username: principal!.username });
    return { data: { reportId: report.reportId, status: "QUEUED" as const } };
  },
});

export const reportsGet = httpFunction({
  name: "reports-get",
  route: "v1/reports/{reportId}",
  method: "GET",
  summary: "A report's status and progress; when COMPLETED, its downloadUrl (requester or admin)",
  tags: ["reports"],
  access: { roles: ANY_ROLE },
  params: z.object({ reportId: z.uuid() }),
  response: reportView,
  errors: [404],
  handler: async ({ params }, { platform, principal }) => ({
    data: toView(await platform.reports.getReport(params.reportId, viewerOf(principal))),
  }),
});

export const reportsList = httpFunction({
  name: "reports-list",
  route: "v1/reports",
  method: "GET",
  summary: "The caller's reports, newest first",
  tags: ["reports"],
  access: { roles: ANY_ROLE },
  query: paged.query,
  response: z.object({ items: z.array(reportView), pagination: paged.view }),
  handler: async ({ query }, { platform, principal }) => {
    const { items, total } = await platform.reports.listReports(principal!.userId, query.page, query.pageSize);
    return { data: paged.pageOf(items.map(toView), { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const reportsDownload = httpFunction({
  name: "reports-download",
  route: "v1/reports/{reportId}/download",
  method: "GET",
  summary: "The finished report file (requester or admin; audited)",
  tags: ["reports"],
  access: { roles: ANY_ROLE },
  params: z.object({ reportId: z.uuid() }),
  response: { raw: "application/octet-stream" },
  errors: [404],
  handler: async ({ params }, { platform, principal, actor }) => {
    return fileDownload(await platform.reports.downloadReport(params.reportId, viewerOf(principal), actor));
  },
});

export const reportGenerate = queueFunction({
  name: "report-generate",
  queue: QUEUES.reportRequests,
  message: z.strictObject({ reportId: z.uuid() }),
  handler: async ({ reportId }, { platform, send, isLastDelivery }) => {
    // Never left PROCESSING: on the message's last delivery the report ends FAILED.
    await platform.jobs.deliver(
      { kind: "report", jobId: reportId, isLastDelivery },
      () => platform.reports.generate(reportId, reportMessages(send)),
      (reason) => platform.reports.failReport(reportId, reason, reportMessages(send)),
    );
  },
});

export const reportRequeue = timerFunction({
  name: "report-requeue",
  schedule: "REPORT_REQUEUE_SCHEDULE",
  reason: "Re-send report requests whose queue message never went out, and take over reports whose worker died mid-way",
  sweep: true,
  handler: async ({ platform, send, logger }) => {
    const touched = await platform.reports.requeueStale(reportMessages(send));
    if (touched > 0) logger.info("Stale reports re-queued or failed", { reports: touched });
    return { workSeen: touched > 0 || (await platform.reports.hasUnfinished()) };
  },
});
