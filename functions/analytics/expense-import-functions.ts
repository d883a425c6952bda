import { z } from "zod";
import { ANALYTICS_IMPORTERS, ANALYTICS_READERS, QUEUES, ValidationError } from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { text } from "../runtime/schemas.js";

const paged = paging("camelCase");

const EXPENSE_FILE_TYPES = [
  "text/csv",
  "text/plain",
  "application/csv",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/octet-stream",
];

const mappingRequest = z.strictObject({ sourceColumn: text({ max: 200 }), targetField: text({ max: 50 }) });
/** The optional `mappings` form field: the confirmed column → field pairs as JSON. */
const mappingsField = z.array(mappingRequest).min(1).max(60);

const importView = z.object({
  importId: z.string(),
  fileName: z.string(),
  status: z.enum(["queued", "processing", "completed", "failed"]),
  mappings: z.array(z.object({ sourceColumn: z.string(), targetField: z.string() })),
  progress: z.object({ rowsRead: z.number().int(), totalRows: z.number().int(), percent: z.number().int() }),
  stats: z.object({
    totalRows: z.number().int(),
    inserted: z.number().int(),
    duplicates: z.number().int(),
    errorRows: z.number().int(),
  }),
  errors: z.array(
    z.object({ rowNumber: z.number().int(), column: z.string(), value: z.string(), message: z.string() }),
  ),
  error: z.string().nullable(),
  statusUrl: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});

export const expenseImportsCreate = httpFunction({
  name: "expense-imports-create",
  route: "v1/finance/expenses/imports",
  method: "POST",
  summary:
    "Load an expense file (multipart `file`, CSV or XLSX; optional `mappings`, a JSON array of {sourceColumn, targetField}) into finance_expense as a queued job: 202 with the import, the mapping it runs with (the proposal unless given) and its statusUrl. Lines are de-duplicated by content fingerprint, so a re-import adds nothing twice; rows failing their checks are reported by row and column",
  tags: ["analytics"],
  access: { roles: ANALYTICS_IMPORTERS },
  file: { mediaTypes: EXPENSE_FILE_TYPES, maxBytes: "ANALYTICS_IMPORT_MAX_FILE_BYTES", spool: true },
  response: importView.extend({
    proposal: z.object({
      mappings: z.array(
        z.object({
          sourceColumn: z.string(),
          columnIndex: z.number().int(),
          targetField: z.string(),
          confidence: z.number(),
          reason: z.string(),
        }),
      ),
      unmapped: z.array(z.object({ sourceColumn: z.string(), reason: z.string() })),
    }),
  }),
  successStatus: 202,
  errors: [413],
  handler: async ({ file }, ctx) => {
    const accepted = await ctx.platform.analytics.imports.submit(file, mappingsOf(file.fields.mappings), ctx.actor);
    return { data: accepted, headers: { location: accepted.statusUrl } };
  },
});

/** The form field's JSON, checked like a body (400 naming `mappings[i].field`). */
function mappingsOf(raw: string | undefined): z.infer<typeof mappingsField> | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationError([{ field: "mappings", message: "must be a JSON array of {sourceColumn, targetField}" }]);
  }
  const parsed = mappingsField.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((i) => ({
      field: ["mappings", ...i.path].join(".").replace(/\.(\d+)/g, "[$1]"),
      message: i.message,
    })),
  );
}

const importRef = z.object({ importId: z.uuid() });

export const expenseImportsGet = httpFunction({
  name: "expense-imports-get",
  route: "v1/finance/expenses/imports/{importId}",
  method: "GET",
  summary:
    "One expense import: status, progress (rows read of the file's rows), rows inserted, duplicates and row errors",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  params: importRef,
  response: importView,
  errors: [404],
  handler: async ({ params }, ctx) => ({ data: await ctx.platform.analytics.imports.get(params.importId) }),
});

export const expenseImportsList = httpFunction({
  name: "expense-imports-list",
  route: "v1/finance/expenses/imports",
  method: "GET",
  summary: "Expense imports, newest first; paginated",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  query: paged.query,
  response: z.object({ items: z.array(importView), pagination: paged.view }),
  handler: async ({ query }, ctx) => {
    const { items, total } = await ctx.platform.analytics.imports.list(query.page, query.pageSize);
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const expenseImportRun = queueFunction({
  name: "expense-import-run",
  queue: QUEUES.expenseImports,
  message: z.strictObject({ importId: z.uuid() }),
  handler: async ({ importId }, { platform, isLastDelivery }) => {
    // Never left queued or processing: on the message's last delivery the import ends failed.
    await platform.jobs.deliver(
      { kind: "expense-import", jobId: importId, isLastDelivery },
      () => platform.analytics.imports.runImportJob(importId),
      (reason) => platform.analytics.imports.failImportJob(importId, reason),
    );
  },
});

export const expenseImportsRequeue = timerFunction({
  name: "expense-imports-requeue",
  schedule: "ANALYTICS_IMPORT_REQUEUE_SCHEDULE",
  reason: "Take over expense imports whose worker died where no redelivery follows (a crash on the last delivery)",
  sweep: true,
  handler: async ({ platform, send, logger }) => {
    const imports = platform.analytics.imports;
    const touched = await imports.requeueStale((message) => send(QUEUES.expenseImports, message));
    if (touched > 0) logger.info("Stale expense imports re-sent or failed", { imports: touched });
    return { workSeen: touched > 0 || (await imports.hasUnfinished()) };
  },
});
