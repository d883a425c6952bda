import { z } from "zod";
import { projectCode, sapCode, text } from "../runtime/schemas.js";
import { ANY_ROLE, FINANCE_WRITERS, ValidationError, isKnownCurrency, parseMoney } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { outcomeOf } from "./stored-response.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const projectParams = z.object({ projectId: projectCode });
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

const entryInput = z
  .strictObject({
    amount: z.string().regex(/^-?\d{1,15}(\.\d{1,3})?$/, 'must be a decimal string such as "1234.50"'),
    currency: z
      .string()
      .refine((c) => /^[A-Z]{3}$/.test(c) && isKnownCurrency(c), "must be an ISO 4217 code the platform knows"),
    billingDate: z.iso.date("must be an ISO date (YYYY-MM-DD)"),
    description: text({ max: 200 }),
    kind: z.enum(["billing", "allocation"]).default("billing"),
    pep: sapCode(24).optional(),
  })
  .superRefine((e, ctx) => {
    try {
      if (parseMoney(e.amount, e.currency) === 0n)
        ctx.addIssue({ code: "custom", path: ["amount"], message: "must not be zero" });
    } catch {
      ctx.addIssue({ code: "custom", path: ["amount"], message: `has more decimals than ${e.currency} allows` });
    }
  });

const entryView = z.object({
  entryId: z.string(),
  kind: z.enum(["billing", "allocation"]),
  pep: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  billingDate: z.string(),
  description: z.string(),
  sagaId: z.string().nullable(),
  createdAt: z.string(),
});

export const projectsBillingPost = httpFunction({
  name: "projects-billing-post",
  route: "v1/projects/{projectId}/billing",
  method: "POST",
  summary:
    "Post billing entries and allocation changes to SAP and SQL through the SAGA; Idempotency-Key header required (same key and body replay the first answer, another body is 409)",
  tags: ["billing"],
  access: { roles: FINANCE_WRITERS },
  params: projectParams,
  body: z.strictObject({ entries: z.array(entryInput).min(1).max(100) }),
  response: z.object({
    sagaId: z.string(),
    projectId: z.string(),
    status: z.literal("SUCCESS"),
    sapDocument: z.string(),
    entries: z.array(entryView),
  }),
  successStatus: 201,
  errors: [404, 409, 503],
  handler: async ({ params, body, headers }, { platform, actor }) => {
    const key = headers.get("idempotency-key");
    if (!key || !IDEMPOTENCY_KEY.test(key)) {
      const rule = "8-200 characters of A-Z a-z 0-9 . _ : -";
      throw new ValidationError([
        {
          field: "Idempotency-Key",
          message: key ? `header must be ${rule} (got ${key.length} characters)` : `header is required: ${rule}`,
          location: "header",
        },
      ]);
    }
    const entries = body.entries.map((e) => ({
      amountMinor: parseMoney(e.amount, e.currency),
      currency: e.currency,
      billingDate: e.billingDate,
      description: e.description,
      kind: e.kind,
      pep: e.pep ?? null,
    }));
    return outcomeOf(await platform.billing.postBilling(params.projectId, entries, key, actor), {
      "Idempotency-Key": key,
    });
  },
});

export const projectsBillingList = httpFunction({
  name: "projects-billing-list",
  route: "v1/projects/{projectId}/billing",
  method: "GET",
  summary: "A project's billing entries as SQL holds them (completed sagas only), by billing date; paginated",
  tags: ["billing"],
  access: { roles: ANY_ROLE },
  params: projectParams,
  query: paged.query,
  response: z.object({ items: z.array(entryView), pagination: paged.view }),
  handler: async ({ params, query }, { platform }) => {
    const entries = await platform.billing.listBilling(params.projectId);
    const page = entries.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    return {
      data: paged.pageOf(page.map(platform.billing.view), {
        page: query.page,
        pageSize: query.pageSize,
        total: entries.length,
      }),
    };
  },
});
