import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  ADMIN_ONLY,
  ANY_ROLE,
  FINANCE_WRITERS,
  ForbiddenError,
  LANGUAGES,
  QUEUES,
  forwardMessageId,
  type Language,
  type JobSends,
  type JobView,
} from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction, type SendMessage } from "../runtime/declarations.js";
import { fileDownload } from "../runtime/file-download.js";
import { text } from "../runtime/schemas.js";
import { paging } from "../runtime/pagination.js";

/** The seed's API is snake_case; its lists page the same way. */
const paged = paging("snake_case");

const jobResults = z.object({
  total_invoices: z.number().int(),
  processed: z.number().int(),
  failed: z.number().int(),
  duplicates: z.number().int(),
  held: z
    .number()
    .int()
    .describe("Invoices Clearfacts may have received though its answer was lost: a person checks before a replay"),
});

const jobView = z.object({
  job_id: z.string(),
  job_type: z.enum(["scheduled", "manual", "replay"]),
  status: z.enum(["pending", "running", "completed", "failed"]),
  force_processing: z.boolean(),
  triggered_by: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_seconds: z.number().int().nullable(),
  results: jobResults,
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  error_message: z.string().nullable(),
});

const jobError = z.object({
  invoice_id: z.string(),
  invoice_ref: z.string().nullable(),
  code: z
    .string()
    .describe(
      "VALIDATION_FAILED, EXTERNAL_API_ERROR, INVOICE_NUMBER_REUSED, UPLOAD_OUTCOME_UNKNOWN, CLEARFACTS_REJECTED, ...",
    ),
  error: z.string(),
  details: z.unknown(),
  timestamp: z.string(),
});

export const invoiceView = z.object({
  id: z.string(),
  invoice_id: z.string().describe("The document's own number (BT-1)"),
  document_kind: z.string(),
  status: z.enum(["pending", "sent", "failed", "duplicate", "held"]),
  source: z.enum(["source-system", "queue", "upload"]),
  source_ref: z.string(),
  file_name: z.string(),
  seller: z.string().nullable(),
  issue_date: z.string().nullable(),
  payable_amount: z.string().nullable().describe("Exact decimal as text"),
  currency: z.string().nullable(),
  invoice_type: z.string(),
  vat_number: z.string().nullable(),
  valid: z.boolean(),
  duplicate_of: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  clearfacts_uuid: z.string().nullable(),
  job_id: z.string().nullable(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
});

export const validationReport = z.object({
  valid: z.boolean(),
  customizationId: z.string().nullable(),
  ruleSet: z.object({ id: z.string(), version: z.string() }).nullable(),
  findings: z.array(
    z.object({
      ruleId: z.string(),
      severity: z.enum(["fatal", "warning"]),
      terms: z.array(z.object({ id: z.string(), name: z.string() })),
      xpath: z.string(),
      line: z.number().int(),
      message: z.string(),
      expected: z.string().optional(),
      found: z.string().optional(),
    }),
  ),
});

export const invoiceDetail = invoiceView.extend({
  validation: validationReport,
  forwarding_attempts: z.array(
    z.object({
      upload_id: z.string(),
      job_id: z.string(),
      attempt: z.number().int(),
      forced: z.boolean(),
      state: z.enum(["sending", "accepted", "refused", "absent", "unknown"]),
      status_code: z.number().int().nullable(),
      error: z.string().nullable(),
      clearfacts_uuid: z.string().nullable(),
      started_at: z.string(),
      finished_at: z.string().nullable(),
    }),
  ),
});

/** The forwarding messages a job sends: one per invoice attempt, scheduled for its retry time. */
export const jobSends = (send: SendMessage): JobSends => ({
  forward: (message, at) =>
    send(QUEUES.invoicesForward, {
      messageId: forwardMessageId(message),
      body: message,
      ...(at ? { scheduledEnqueueTime: at } : {}),
    }),
});

/** The seed's answer to a started job, with a rough completion estimate. */
function started(job: JobView, invoices: number | undefined) {
  const seconds = invoices === undefined ? 300 : 30 + 2 * invoices;
  return {
    job_id: job.job_id,
    status: "pending" as const,
    estimated_completion: new Date(Date.parse(job.created_at) + seconds * 1000).toISOString(),
    message: "Invoice processing job started",
    status_url: `/api/v1/invoices/jobs/${job.job_id}`,
  };
}

const startedView = z.object({
  job_id: z.string(),
  status: z.literal("pending"),
  estimated_completion: z.string(),
  message: z.string(),
  status_url: z.string(),
});

const invoiceRef = z.object({ invoiceId: z.uuid() });

export const invoicesProcess = httpFunction({
  name: "invoices-process",
  route: "v1/invoices/process",
  method: "POST",
  summary:
    "Start a manual forwarding job: every pending invoice (and the source system's new ones), or only invoice_ids (our ids or the invoices' numbers); force_processing re-sends invoices already sent (audited)",
  tags: ["invoices"],
  access: { roles: FINANCE_WRITERS },
  body: z
    .strictObject({
      force_processing: z.boolean().default(false),
      invoice_ids: z
        .array(text({ max: 200 }))
        .min(1)
        .max(1000)
        .optional(),
    })
    .default({ force_processing: false }),
  response: startedView,
  successStatus: 202,
  handler: async ({ body }, { platform, actor }) => {
    const invoiceIds = body.invoice_ids ? [...new Set(body.invoice_ids)] : undefined;
    const job = await platform.invoices.startJob(
      { jobType: "manual", forceProcessing: body.force_processing, ...(invoiceIds ? { invoiceIds } : {}) },
      actor,
    );
    return { data: started(job, invoiceIds?.length) };
  },
});

export const invoiceJobsList = httpFunction({
  name: "invoice-jobs-list",
  route: "v1/invoices/jobs",
  method: "GET",
  summary: "Forwarding jobs, newest first",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({
    status: z.enum(["pending", "running", "completed", "failed"]).optional(),
    job_type: z.enum(["scheduled", "manual", "replay"]).optional(),
  }),
  response: z.object({ items: z.array(jobView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.invoices.listJobs(
      { ...(query.status ? { status: query.status } : {}), ...(query.job_type ? { jobType: query.job_type } : {}) },
      query.page,
      query.page_size,
    );
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.page_size, total }) };
  },
});

export const invoiceJobsGet = httpFunction({
  name: "invoice-jobs-get",
  route: "v1/invoices/jobs/{jobId}",
  method: "GET",
  summary: "A forwarding job's status, results and per-invoice errors (the seed's job status shape)",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  params: z.object({ jobId: z.uuid() }),
  response: jobView.extend({ errors: z.array(jobError) }),
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.invoices.getJob(params.jobId) }),
});

const dateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "must be a date (YYYY-MM-DD) or an ISO 8601 instant",
});

export const invoicesList = httpFunction({
  name: "invoices-list",
  route: "v1/invoices",
  method: "GET",
  summary: "Received invoices, newest first; filter by status, job and received date (from inclusive, to exclusive)",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({
    status: z.enum(["pending", "sent", "failed", "duplicate", "held"]).optional(),
    job_id: z.uuid().optional(),
    from: dateOrInstant.optional(),
    to: dateOrInstant.optional(),
  }),
  response: z.object({ items: z.array(invoiceView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const instant = (text: string) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text).toISOString();
    const { items, total } = await platform.invoices.listInvoices(
      {
        ...(query.status ? { status: query.status } : {}),
        ...(query.job_id ? { jobId: query.job_id } : {}),
        ...(query.from ? { from: instant(query.from) } : {}),
        ...(query.to ? { to: instant(query.to) } : {}),
      },
      query.page,
      query.page_size,
    );
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.page_size, total }) };
  },
});

export const invoicesGet = httpFunction({
  name: "invoices-get",
  route: "v1/invoices/{invoiceId}",
  method: "GET",
  summary: "One invoice with its validation report and every forwarding attempt",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  params: invoiceRef,
  response: invoiceDetail,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.invoices.getInvoice(params.invoiceId) }),
});

export const invoicesOriginal = httpFunction({
  name: "invoices-ubl",
  route: "v1/invoices/{invoiceId}/ubl",
  method: "GET",
  summary: "The archived UBL original, byte for byte as received (audited)",
  tags: ["invoices"],
  access: { roles: FINANCE_WRITERS },
  params: invoiceRef,
  response: { raw: "application/xml" },
  errors: [404],
  handler: async ({ params }, { platform, actor }) =>
    fileDownload(await platform.invoices.downloadOriginal(params.invoiceId, actor)),
});

export const invoicesReplay = httpFunction({
  name: "invoices-replay",
  route: "v1/invoices/{invoiceId}/replay",
  method: "POST",
  summary:
    "Forward one invoice again from its archived original, under its original file name (admin; audited); answers the replay job",
  tags: ["invoices"],
  access: { roles: ADMIN_ONLY },
  params: invoiceRef,
  response: startedView,
  successStatus: 202,
  errors: [404],
  handler: async ({ params }, { platform, actor }) => ({
    data: started(await platform.invoices.replay(params.invoiceId, actor), 1),
  }),
});

const UBL_TYPES = ["application/xml", "text/xml"];

/** The first of English, Dutch and French the caller accepts (by q-value), English otherwise. */
export function languageOf(acceptLanguage: string | null): Language {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { primary: tag.trim().toLowerCase().split("-")[0]!, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const match = ranked.find((entry) => (LANGUAGES as readonly string[]).includes(entry.primary));
  return (match?.primary as Language | undefined) ?? "en";
}

export const invoicesUpload = httpFunction({
  name: "invoices-upload",
  route: "v1/invoices",
  method: "POST",
  summary:
    "Upload one UBL invoice (raw XML, or multipart field `file`); it is archived, validated and recorded pending for the next job. 201 with its validation report; 200 when this upload was seen before",
  tags: ["invoices"],
  access: { roles: FINANCE_WRITERS },
  query: z.object({ invoice_type: z.enum(["PURCHASE", "SALE"]).optional() }),
  file: { mediaTypes: UBL_TYPES, maxBytes: "INVOICES_MAX_UBL_BYTES" },
  response: invoiceDetail,
  successStatus: 201,
  handler: async ({ query, file }, { platform, actor }) => {
    const { invoice, created } = await platform.invoices.receive(
      {
        content: file.bytes,
        source: "upload",
        // Each upload is its own transport: a second upload of one invoice is a duplicate at forwarding.
        sourceRef: randomUUID(),
        fileName: file.fileName,
        ...(query.invoice_type ? { invoiceType: query.invoice_type } : {}),
      },
      actor,
    );
    return { data: invoice, status: created ? 201 : 200, headers: { Location: `/api/v1/invoices/${invoice.id}` } };
  },
});

export const invoicesValidate = httpFunction({
  name: "invoices-validate",
  route: "v1/invoices/validate",
  method: "POST",
  summary:
    "Validate a UBL invoice against EN 16931 and Peppol BIS Billing 3.0 without recording or forwarding it; findings in English, Dutch or French by Accept-Language (roles: INVOICES_VALIDATE_ROLES)",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  file: { mediaTypes: UBL_TYPES, maxBytes: "INVOICES_MAX_UBL_BYTES" },
  response: validationReport,
  errors: [403],
  handler: async ({ file, headers }, { platform, principal }) => {
    const allowed = platform.settings.INVOICES_VALIDATE_ROLES;
    if (!principal!.roles.some((role) => allowed.includes(role)))
      throw new ForbiddenError(`Validating invoices needs one of the roles ${allowed.join(", ")}`);
    const language = languageOf(headers.get("accept-language"));
    return {
      data: platform.invoices.validate(file.bytes, language),
      headers: { "Content-Language": language, Vary: "Accept-Language" },
    };
  },
});

export const invoicesValidateAccess = httpFunction({
  name: "invoices-validate-access",
  route: "v1/invoices/validate/access",
  method: "GET",
  summary:
    "Whether the caller may validate UBL invoices (POST /api/v1/invoices/validate) and which roles may (INVOICES_VALIDATE_ROLES): the console shows the page only to them",
  tags: ["invoices"],
  access: { roles: ANY_ROLE },
  response: z.object({ allowed: z.boolean(), roles: z.array(z.string()) }),
  handler: async (_input, { platform, principal }) => {
    const roles = platform.settings.INVOICES_VALIDATE_ROLES;
    return { data: { allowed: principal!.roles.some((role) => roles.includes(role)), roles: [...roles] } };
  },
});

const scheduleState = z.object({ schedule_paused: z.boolean() });

export const invoicesSchedulePause = httpFunction({
  name: "invoices-schedule-pause",
  route: "v1/invoices/schedule/pause",
  method: "POST",
  summary: "Pause the daily scheduled forwarding job (admin; audited); manual runs still work",
  tags: ["invoices"],
  access: { roles: ADMIN_ONLY },
  response: scheduleState,
  handler: async (_input, { platform, actor }) => {
    await platform.invoices.setSchedulePaused(true, actor);
    return { data: { schedule_paused: true } };
  },
});

export const invoicesScheduleResume = httpFunction({
  name: "invoices-schedule-resume",
  route: "v1/invoices/schedule/resume",
  method: "POST",
  summary: "Resume the daily scheduled forwarding job (admin; audited)",
  tags: ["invoices"],
  access: { roles: ADMIN_ONLY },
  response: scheduleState,
  handler: async (_input, { platform, actor }) => {
    await platform.invoices.setSchedulePaused(false, actor);
    return { data: { schedule_paused: false } };
  },
});

export const invoicesConfiguration = httpFunction({
  name: "invoices-configuration",
  route: "v1/invoices/configuration",
  method: "GET",
  summary:
    "The non-secret runtime configuration of invoice forwarding: settings, the schedule's pause, the source watermark (admin; secrets stay in Key Vault)",
  tags: ["invoices"],
  access: { roles: ADMIN_ONLY },
  response: z.object({
    settings: z.record(z.string(), z.unknown()),
    runtime: z.array(
      z.object({
        key: z.string(),
        value: z.string(),
        description: z.string(),
        updated_at: z.string(),
        updated_by: z.string().nullable(),
      }),
    ),
    schedule_paused: z.boolean(),
    clearfacts_configured: z.boolean(),
    source_configured: z.boolean(),
  }),
  handler: async (_input, { platform }) => ({ data: await platform.invoices.configuration() }),
});

export const invoiceJobGather = queueFunction({
  name: "invoice-job-gather",
  queue: QUEUES.invoiceJobs,
  message: z.strictObject({ job_id: z.uuid() }),
  handler: async ({ job_id }, { platform, send, isLastDelivery }) => {
    await platform.jobs.deliver(
      { kind: "invoice-job", jobId: job_id, isLastDelivery, step: "gather" },
      () => platform.invoices.gather(job_id, jobSends(send)),
      (reason) => platform.invoices.failJob(job_id, reason),
    );
  },
});

export const invoiceForward = queueFunction({
  name: "invoice-forward",
  queue: QUEUES.invoicesForward,
  message: z.strictObject({ job_id: z.uuid(), invoice_ref: z.uuid(), attempt: z.number().int().min(1).max(100) }),
  handler: async (message, { platform, send, isLastDelivery }) => {
    await platform.jobs.deliver(
      { kind: "invoice-job", jobId: message.job_id, isLastDelivery, step: `forward ${message.invoice_ref}` },
      () => platform.invoices.forward(message, jobSends(send).forward),
      (reason) => platform.invoices.failForward(message, reason),
    );
  },
});

export const invoicesInbound = queueFunction({
  name: "invoices-inbound",
  queue: QUEUES.invoicesInbound,
  message: z.strictObject({
    // The UBL document as XML text; intake caps its size (INVOICES_MAX_UBL_BYTES).
    ubl: text({ max: 10 * 1024 * 1024, multiline: true, trim: false }),
    file_name: text({ max: 255 }).optional(),
    source_ref: text({ max: 200 }).optional(),
    invoice_type: z.enum(["PURCHASE", "SALE"]).optional(),
  }),
  handler: async (message, { platform, messageId, logger }) => {
    const { invoice, created } = await platform.invoices.receive(
      {
        content: Buffer.from(message.ubl, "utf8"),
        source: "queue",
        // A redelivery or a re-send of the same message is one invoice.
        sourceRef: message.source_ref ?? messageId,
        fileName: message.file_name ?? null,
        ...(message.invoice_type ? { invoiceType: message.invoice_type } : {}),
      },
      {},
    );
    if (created)
      logger.info("Invoice received from the inbound queue", { invoice_ref: invoice.id, valid: invoice.valid });
  },
});

export const invoicesDaily = timerFunction({
  name: "invoices-daily",
  schedule: "INVOICES_DAILY_SCHEDULE",
  reason:
    "Starts the day's scheduled forwarding job once the local start (02:00 Europe/Brussels) has come; UTC timers cover both offsets and the code decides, once per local day",
  handler: async ({ platform, logger }) => {
    const job = await platform.invoices.startScheduledIfDue();
    if (job) logger.info("Scheduled invoice job started", { job_id: job.job_id });
    return { workSeen: job !== undefined };
  },
});

export const invoicesDigest = timerFunction({
  name: "invoices-digest",
  schedule: "INVOICES_DIGEST_SCHEDULE",
  reason: "Sends the daily digest of invoice forwarding (jobs, outcomes, invoices waiting for a person) to Slack",
  handler: async ({ platform, logger }) => {
    const totals = await platform.invoices.digest();
    logger.info("Invoice digest sent", totals);
  },
});

export const invoicesRequeue = timerFunction({
  name: "invoices-requeue",
  schedule: "INVOICES_REQUEUE_SCHEDULE",
  reason: "Re-send forwarding messages a crash left unsent, and completion notices a crash lost",
  sweep: true,
  handler: async ({ platform, send }) => {
    const touched = await platform.invoices.sweep(jobSends(send));
    return { workSeen: touched > 0 || (await platform.invoices.hasUnfinished()) };
  },
});
