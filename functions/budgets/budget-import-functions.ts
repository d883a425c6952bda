import { z } from "zod";
import { ANY_ROLE, FINANCE_WRITERS, QUEUES, ValidationError } from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction, type HttpContext } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { text } from "../runtime/schemas.js";
import { callerOf, customerId } from "./customer-functions.js";

/** The seed's budget API is camelCase; its lists page the same way. */
const paged = paging("camelCase");

/** The caller as customer isolation sees it, with the request's audit details. */
const importCaller = (ctx: Pick<HttpContext, "principal" | "actor">) => ({ ...ctx.actor, ...callerOf(ctx) });

const mapping = z.object({
  sourceColumn: z.string(),
  columnIndex: z.number().int(),
  targetField: z.string(),
  confidence: z.number(),
  reason: z.string(),
});

const importView = z.object({
  importId: z.string(),
  customerId: z.string(),
  fileName: z.string(),
  sourceType: z
    .string()
    .describe("csv or excel (upload), rows (inline), or the data source's type: sftp, blob, s3, sheets"),
  sourceId: z.string().nullable().describe("The data source a polled file came from; null for uploads"),
  sourceName: z.string().nullable(),
  status: z.enum(["queued", "processing", "dry_run", "awaiting_approval", "completed", "failed"]),
  imported: z.number().int(),
  stats: z.object({ totalRows: z.number().int(), successRows: z.number().int(), errorRows: z.number().int() }),
  errors: z.array(
    z.object({ rowNumber: z.number().int(), column: z.string(), value: z.string(), message: z.string() }),
  ),
  diffSummary: z
    .object({
      added: z.number().int(),
      changed: z.number().int(),
      removed: z.number().int(),
      unchanged: z.number().int(),
    })
    .nullable(),
  progress: z.object({
    rowsRead: z.number().int(),
    rowsStaged: z.number().int(),
    totalRows: z.number().int().nullable(),
    percent: z.number().int().nullable(),
  }),
  statusUrl: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

const BUDGET_FILE_TYPES = [
  "text/csv",
  "text/plain",
  "application/csv",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/octet-stream",
];

export const excelAnalyze = httpFunction({
  name: "excel-analyze",
  route: "v1/excel/analyze",
  method: "POST",
  summary:
    "Analyze a budget file (multipart `file`, CSV or XLSX, and `customerId`): headers, sample rows, proposed column mappings with confidence and reason (the customer's learned mapping first), the file type judged from its content, and a fileId for the import; payroll is refused and not kept",
  tags: ["budgets"],
  access: { roles: FINANCE_WRITERS },
  query: z.object({ customerId: customerId.optional() }),
  // Spooled: a million-row file streams to disk and on to storage, never whole in memory.
  file: { mediaTypes: BUDGET_FILE_TYPES, maxBytes: "BUDGETS_MAX_FILE_BYTES", spool: true },
  response: z.object({
    fileId: z.string().nullable(),
    fileName: z.string(),
    totalRows: z.number().int(),
    headers: z.array(z.string()),
    sampleRows: z.array(z.array(z.string())),
    mappings: z.array(mapping),
    missingRequired: z.array(z.string()),
    learnedFrom: z.string().nullable(),
    fileTypeDetection: z.object({
      likelyFileType: z.enum(["budget", "payroll", "expenses", "invoice"]),
      confidence: z.number(),
      budgetConfidence: z.number(),
      warnings: z.array(z.string()),
    }),
    canProceed: z.boolean(),
    duplicateOf: z.object({ importId: z.string(), fileName: z.string(), importedAt: z.string().nullable() }).nullable(),
    purged: z.boolean(),
  }),
  errors: [404, 413],
  handler: async ({ query, file }, ctx) => {
    const id = query.customerId ?? file.fields.customerId;
    const parsed = customerId.safeParse(id);
    if (!parsed.success) throw new ValidationError([{ field: "customerId", message: "is required (a customer id)" }]);
    return {
      data: await ctx.platform.budgetImports.analyze(
        { size: file.size, open: () => file.open(), fileName: file.fileName },
        parsed.data,
        importCaller(ctx),
      ),
    };
  },
});

/** A cell of an inline row as a spreadsheet client sends it. */
const inlineCell = z.union([text({ max: 1000, min: 0 }), z.number(), z.boolean(), z.null()]);

export const excelImport = httpFunction({
  name: "excel-import",
  route: "v1/excel/import",
  method: "POST",
  summary:
    "Import an analyzed file (fileId) or a small table inline (rows, the header row first; at most BUDGETS_INLINE_MAX_ROWS, 413 past it) with the confirmed mappings: every row validated, all or nothing; a first import commits at once, a re-import waits for its diff to be approved (POST /v1/imports/{importId}/commit); dryRun only checks. A file of BUDGETS_QUEUED_IMPORT_MIN_BYTES or more is imported as a job: 202 with the import queued, its statusUrl (GET /v1/imports/{importId}) shows the progress",
  tags: ["budgets"],
  access: { roles: FINANCE_WRITERS },
  body: z
    .strictObject({
      customerId,
      // Accepted for the seed's clients; the caller's own id is recorded.
      userId: text({ max: 100 }).optional(),
      fileName: text({ max: 255 }).optional(),
      fileId: z.uuid().optional(),
      // Bounded by MAX_BODY_BYTES; the row cap is BUDGETS_INLINE_MAX_ROWS (413, naming it).
      rows: z.array(z.array(inlineCell).max(200)).min(2).optional(),
      mappings: z
        .array(z.strictObject({ sourceColumn: text({ max: 200 }), targetField: text({ max: 50 }) }))
        .min(1)
        .max(50),
      dryRun: z.boolean().default(false),
    })
    .refine((b) => (b.fileId === undefined) !== (b.rows === undefined), {
      message: "send either fileId (an analyzed file) or rows (a small table inline), not both",
      path: ["fileId"],
    }),
  response: importView,
  successStatus: 201,
  errors: [404, 409, 413],
  handler: async ({ body }, ctx) => {
    const common = {
      customerId: body.customerId,
      mappings: body.mappings,
      dryRun: body.dryRun,
      ...(body.fileName ? { fileName: body.fileName } : {}),
    };
    const imports = ctx.platform.budgetImports;
    const view = body.rows
      ? await imports.importRows({ ...common, rows: body.rows }, importCaller(ctx))
      : await imports.import({ ...common, fileId: body.fileId! }, importCaller(ctx));
    // Queued: accepted, not done; the status link shows how far it got.
    return view.status === "queued"
      ? { data: view, status: 202, headers: { location: view.statusUrl } }
      : { data: view };
  },
});

export const budgetImportRun = queueFunction({
  name: "budget-import-run",
  queue: QUEUES.budgetImports,
  message: z.strictObject({ importId: z.uuid() }),
  handler: async ({ importId }, { platform, isLastDelivery }) => {
    // Never left queued or processing: on the message's last delivery the import ends failed.
    await platform.jobs.deliver(
      { kind: "budget-import", jobId: importId, isLastDelivery },
      () => platform.budgetImports.runImportJob(importId),
      (reason) => platform.budgetImports.failImportJob(importId, reason),
    );
  },
});

export const budgetImportsSweep = timerFunction({
  name: "budget-imports-sweep",
  schedule: "BUDGETS_IMPORT_SWEEP_SCHEDULE",
  reason: "End budget imports left processing by a worker that died on the job's last delivery (no retry follows)",
  handler: async ({ platform, logger }) => {
    const stale = platform.settings.BUDGETS_IMPORT_STALE_AFTER_SECONDS * 1000;
    const failed = await platform.budgetImports.failStaleImports(stale);
    if (failed > 0) logger.warn("Stalled budget imports ended failed", { imports: failed });
  },
});

const importRef = z.object({ importId: z.uuid() });
const diffLine = z.object({
  department: z.string(),
  subCategory: z.string(),
  fiscalPeriod: z.string(),
  costCenter: z.string(),
  currency: z.string(),
  amount: z.string(),
});

export const importDiff = httpFunction({
  name: "imports-diff",
  route: "v1/imports/{importId}/diff",
  method: "GET",
  summary: "Budget lines the import adds, changes (old → new amount) and removes against the customer's current budget",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: importRef,
  query: z.object({ customerId }),
  response: z.object({
    added: z.array(diffLine),
    changed: z.array(diffLine.extend({ oldAmount: z.string() })),
    removed: z.array(diffLine),
    unchanged: z.number().int(),
  }),
  errors: [404],
  handler: async ({ params, query }, ctx) => ({
    data: await ctx.platform.budgetImports.diff(query.customerId, params.importId, importCaller(ctx)),
  }),
});

export const importCommit = httpFunction({
  name: "imports-commit",
  route: "v1/imports/{importId}/commit",
  method: "POST",
  summary: "Approve a re-import's diff: the customer's budget becomes the import's lines, in one transaction (audited)",
  tags: ["budgets"],
  access: { roles: FINANCE_WRITERS },
  params: importRef,
  body: z.strictObject({ customerId }),
  response: importView,
  errors: [404, 409],
  handler: async ({ params, body }, ctx) => ({
    data: await ctx.platform.budgetImports.commit(body.customerId, params.importId, importCaller(ctx)),
  }),
});

export const importsHistory = httpFunction({
  name: "imports-history",
  route: "v1/imports/history",
  method: "GET",
  summary: "A customer's imports, newest first, each with its row errors (row, column, value, message)",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({ customerId, limit: z.coerce.number().int().min(1).max(100).optional() }),
  response: z.object({ imports: z.array(importView), pagination: paged.view }),
  errors: [404],
  handler: async ({ query }, ctx) => {
    // The seed's `limit` is a page size.
    const pageSize = query.limit ?? query.pageSize;
    const { items, total } = await ctx.platform.budgetImports.history(
      query.customerId,
      query.page,
      pageSize,
      importCaller(ctx),
    );
    const page = paged.pageOf(items, { page: query.page, pageSize, total });
    return { data: { imports: page.items, pagination: page.pagination } };
  },
});

export const importGet = httpFunction({
  name: "imports-get",
  route: "v1/imports/{importId}",
  method: "GET",
  summary: "One import with its status, counts, errors and diff summary",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: importRef,
  query: z.object({ customerId }),
  response: importView,
  errors: [404],
  handler: async ({ params, query }, ctx) => ({
    data: await ctx.platform.budgetImports.getImport(query.customerId, params.importId, importCaller(ctx)),
  }),
});
