import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE, type SourceInput } from "../../shared/index.js";
import { httpFunction, timerFunction } from "../runtime/declarations.js";
import { text } from "../runtime/schemas.js";
import { callerOf, customerId } from "./customer-functions.js";

/** A Key Vault secret name: the value is read from the vault at each poll, never sent or stored here. */
const secretName = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,127}$/, "must be a Key Vault secret name (1-127 characters of A-Z a-z 0-9 -)");
const pattern = z
  .string()
  .regex(/^[^/\\\0]{1,100}$/, "must be a file-name pattern such as *.csv (* and ? wildcards, no folders)")
  .default("*");
const folder = z
  .string()
  .regex(/^[^\0\r\n]{0,500}$/, "must be a folder path of at most 500 characters")
  .refine((f) => !f.split("/").includes(".."), "must not contain ..")
  .default("");

const sftp = z.object({
  sourceType: z.literal("sftp"),
  config: z.strictObject({
    host: z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]{2,45}\]$/, "must be a host name or address"),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/, "must be 1-100 characters of A-Z a-z 0-9 . _ @ -"),
    folder,
    pattern,
    hostKeyFingerprint: z
      .string()
      .regex(
        /^SHA256:[A-Za-z0-9+/]{43}$/,
        "must be an OpenSSH SHA256 fingerprint (SHA256:... as ssh-keygen -lf prints it)",
      )
      .nullable()
      .default(null),
  }),
  secretRefs: z.strictObject({ password: secretName.optional(), privateKey: secretName.optional() }),
});
const blob = z.object({
  sourceType: z.literal("blob"),
  config: z.strictObject({
    container: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/, "must be a Blob container name"),
    folder,
    pattern,
  }),
  secretRefs: z.strictObject({}).default({}),
});
const s3 = z.object({
  sourceType: z.literal("s3"),
  config: z.strictObject({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
    folder,
    pattern,
  }),
  secretRefs: z.strictObject({ accessKeyId: secretName, secretAccessKey: secretName }),
});
const sheets = z.object({
  sourceType: z.literal("sheets"),
  config: z.strictObject({
    spreadsheetId: z.string().regex(/^[A-Za-z0-9_-]{10,100}$/, "must be a spreadsheet id"),
    range: z.string().regex(/^[^\0\r\n]{1,200}$/, "must be an A1 range such as Budget!A1:F500"),
  }),
  // Either one (checked by the domain): an API key, or a service account's JSON key.
  secretRefs: z.strictObject({ apiKey: secretName.optional(), serviceAccountKey: secretName.optional() }),
});

const common = {
  name: text({ max: 200 }),
  schedule: z.string().regex(/^[0-9*/,?LW#A-Za-z -]{9,100}$/, "must be a cron expression such as 0 2 * * *"),
  enabled: z.boolean().default(true),
};
const settings = z.discriminatedUnion("sourceType", [sftp, blob, s3, sheets]);
const sourceBody = z.intersection(z.object(common), settings);

const sourceView = z.object({
  sourceId: z.string(),
  customerId: z.string(),
  name: z.string(),
  sourceType: z.enum(["sftp", "blob", "s3", "sheets"]),
  config: z.record(z.string(), z.unknown()),
  secretRefs: z.record(z.string(), z.string()),
  schedule: z.string(),
  enabled: z.boolean(),
  nextDueAt: z.string(),
  lastPolledAt: z.string().nullable(),
  lastStatus: z.enum(["ok", "failed"]).nullable(),
  lastError: z.string().nullable(),
  heldFiles: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const fileView = z.object({
  remotePath: z.string(),
  sizeBytes: z.number().int(),
  modifiedAt: z.string(),
  contentSha256: z.string(),
  status: z.enum(["imported", "held", "duplicate", "failed"]),
  reason: z.string().nullable(),
  likelyType: z.string().nullable(),
  fileId: z.string().nullable(),
  importId: z.string().nullable(),
  seenAt: z.string(),
});

const sourceRef = z.object({ sourceId: z.uuid() });

export const budgetSourcesList = httpFunction({
  name: "budget-sources-list",
  route: "v1/budget/sources",
  method: "GET",
  summary: "A customer's budget data sources (SFTP, Blob, S3, Sheets) with their schedule, last poll and held files",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: z.object({ customerId }),
  response: z.object({ items: z.array(sourceView) }),
  errors: [404],
  handler: async ({ query }, ctx) => ({
    data: { items: await ctx.platform.budgetSources.list(callerOf(ctx), query.customerId) },
  }),
});

export const budgetSourcesCreate = httpFunction({
  name: "budget-sources-create",
  route: "v1/budget/sources",
  method: "POST",
  summary:
    "Add a budget data source for a customer: type, settings, a cron schedule and the Key Vault secret names of its credentials (never the credentials); SFTP pins the host key (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  body: z.intersection(z.object({ customerId, ...common }), settings),
  response: sourceView,
  successStatus: 201,
  errors: [404],
  handler: async ({ body }, ctx) => {
    const { customerId: id, ...input } = body;
    return { data: await ctx.platform.budgetSources.create(callerOf(ctx), id, input, ctx.actor) };
  },
});

export const budgetSourcesGet = httpFunction({
  name: "budget-sources-get",
  route: "v1/budget/sources/{sourceId}",
  method: "GET",
  summary: "One budget data source",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: sourceRef,
  response: sourceView,
  errors: [404],
  handler: async ({ params }, ctx) => ({ data: await ctx.platform.budgetSources.get(callerOf(ctx), params.sourceId) }),
});

export const budgetSourcesUpdate = httpFunction({
  name: "budget-sources-update",
  route: "v1/budget/sources/{sourceId}",
  method: "PUT",
  summary: "Replace a budget data source's settings, schedule and secret names (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: sourceRef,
  body: sourceBody,
  response: sourceView,
  errors: [404],
  handler: async ({ params, body }, ctx) => ({
    data: await ctx.platform.budgetSources.update(callerOf(ctx), params.sourceId, body as SourceInput, ctx.actor),
  }),
});

export const budgetSourcesDelete = httpFunction({
  name: "budget-sources-delete",
  route: "v1/budget/sources/{sourceId}",
  method: "DELETE",
  summary: "Remove a budget data source and what its polls recorded (imports stay) (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: sourceRef,
  response: z.object({ id: z.string(), deleted: z.literal(true) }),
  errors: [404],
  handler: async ({ params }, ctx) => {
    await ctx.platform.budgetSources.remove(callerOf(ctx), params.sourceId, ctx.actor);
    return { data: { id: params.sourceId, deleted: true as const } };
  },
});

export const budgetSourceFiles = httpFunction({
  name: "budget-source-files",
  route: "v1/budget/sources/{sourceId}/files",
  method: "GET",
  summary:
    "Files a source's polls took, newest first: imported, held for review (not a budget, or no confident mapping), duplicate or failed, with the reason",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: sourceRef,
  response: z.object({ items: z.array(fileView) }),
  errors: [404],
  handler: async ({ params }, ctx) => ({
    data: { items: await ctx.platform.budgetSources.files(callerOf(ctx), params.sourceId) },
  }),
});

export const budgetSourcesPoll = timerFunction({
  name: "budget-sources-poll",
  schedule: "BUDGETS_SOURCE_POLL_SCHEDULE",
  reason:
    "Every few minutes, so each source is read soon after its own cron schedule comes due; a lease per source keeps two instances off one source",
  handler: async ({ platform, logger, correlationId }) => {
    const summary = await platform.budgetSources.pollDue(correlationId);
    if (summary.sourcesPolled > 0) logger.info("Budget sources polled", { ...summary });
  },
});
