import { z } from "zod";
import { ANY_ROLE, ADMIN_ONLY, FINANCE_WRITERS, ValidationError, type LineRef } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { text } from "../runtime/schemas.js";
import { callerOf, customerId } from "./customer-functions.js";

/** The seed's budget API is camelCase. */
const paged = paging("camelCase");

const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

/**
 * An amount: a decimal string, or a JSON number of at most 15 significant digits. A number
 * is taken by its shortest decimal spelling (what the caller wrote, for 15 digits or
 * fewer), then parsed exactly in the currency's precision; no float arithmetic touches it.
 */
export const amountInput = z
  .union([
    z.string().regex(DECIMAL, "must be a decimal amount such as 1250 or 1250.50"),
    z.number().nonnegative().max(999_999_999_999_999),
  ])
  .transform((v, ctx) => {
    const digits = typeof v === "string" ? v : String(v);
    if (!DECIMAL.test(digits) || digits.replace(/[.]/, "").replace(/^0+/, "").length > 15) {
      ctx.addIssue({ code: "custom", message: "must be a decimal amount of at most 15 significant digits" });
      return z.NEVER;
    }
    return digits;
  })
  .describe("Decimal string (exact) or JSON number in the currency's precision");

const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code");
const name = (max = 200) => text({ max });
const money = z.string().describe("Exact decimal as text, in the budget line's currency");

const checkAnswer = z.object({
  available: z.boolean(),
  budget: z
    .object({ id: z.string(), budgetedAmount: money, committed: money, reserved: money, available: money })
    .nullable(),
  canAutoApprove: z.boolean(),
  autoApprovalThreshold: money.nullable(),
  utilizationPercent: z.number().nullable().describe("Utilization with this request, percent, two decimals"),
  reason: z.string(),
  currency: z.string(),
  overBudget: z.enum(["stop", "warn", "ignore"]).nullable(),
  splitPurchaseSuspected: z.boolean(),
  warnings: z.array(z.string()),
});

export const budgetCheck = httpFunction({
  name: "budget-check",
  route: "v1/budget/check",
  method: "POST",
  summary:
    "Is there budget for this purchase? The seed's check: availability, auto-approval under the rule's threshold, utilization, and a reason; with requester (and supplier) a split purchase is caught",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  body: z.strictObject({
    customerId,
    department: name(),
    subCategory: name().optional(),
    fiscalPeriod: name(40),
    amount: amountInput,
    currency: currency.optional(),
    requester: name().optional(),
    supplier: name().optional(),
  }),
  response: checkAnswer,
  errors: [404],
  handler: async ({ body }, ctx) => ({
    data: await ctx.platform.budgets.check(callerOf(ctx), {
      customerId: body.customerId,
      department: body.department,
      fiscalPeriod: body.fiscalPeriod,
      amount: body.amount,
      ...(body.subCategory ? { subCategory: body.subCategory } : {}),
      ...(body.currency ? { currency: body.currency } : {}),
      ...(body.requester ? { requester: body.requester } : {}),
      ...(body.supplier ? { supplier: body.supplier } : {}),
    }),
  }),
});

// ---- budgets ----------------------------------------------------------------------------

const budgetView = z.object({
  id: z.string(),
  customerId: z.string(),
  department: z.string(),
  subCategory: z.string().nullable(),
  fiscalPeriod: z.string(),
  costCenter: z.string().nullable(),
  currency: z.string(),
  budgetedAmount: money,
  source: z.string(),
  importId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  utilization: z.object({
    committed: money,
    reserved: money,
    actualSpent: money,
    available: money,
    utilizationPercent: z.number(),
  }),
});

export const budgetsList = httpFunction({
  name: "budgets-list",
  route: "v1/budgets",
  method: "GET",
  summary:
    "Budget lines with their utilization, of the caller's customers (filter by customer, import, source, department); paginated",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({
    customerId: customerId.optional(),
    importId: z.uuid().optional(),
    source: z
      .string()
      .regex(/^[a-z0-9-]{1,20}$/)
      .optional(),
    department: name().optional(),
  }),
  response: z.object({ items: z.array(budgetView), pagination: paged.view }),
  errors: [404],
  handler: async ({ query }, ctx) => {
    const { items, total } = await ctx.platform.budgets.listBudgets(
      callerOf(ctx),
      {
        ...(query.customerId ? { customerId: query.customerId } : {}),
        ...(query.importId ? { importId: query.importId } : {}),
        ...(query.source ? { source: query.source } : {}),
        ...(query.department ? { department: query.department } : {}),
      },
      query.page,
      query.pageSize,
    );
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

const budgetRef = z.object({ budgetId: z.uuid() });

export const budgetsGet = httpFunction({
  name: "budgets-get",
  route: "v1/budgets/{budgetId}",
  method: "GET",
  summary: "One budget line with its utilization",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: budgetRef,
  response: budgetView,
  errors: [404],
  handler: async ({ params }, ctx) => ({ data: await ctx.platform.budgets.getBudget(callerOf(ctx), params.budgetId) }),
});

const reservationView = z.object({
  id: z.string(),
  customerId: z.string(),
  budgetId: z.string(),
  idempotencyKey: z.string(),
  amount: money,
  currency: z.string(),
  reference: z.string(),
  requester: z.string().nullable(),
  supplier: z.string().nullable(),
  status: z.enum(["reserved", "released", "committed", "actual"]),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const budgetsBalance = httpFunction({
  name: "budgets-balance",
  route: "v1/budgets/{budgetId}/balance",
  method: "GET",
  summary:
    "The explained balance: budgeted − actual − committed − reserved, with the reservations behind each figure (the newest 200 per status)",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: budgetRef,
  response: z.object({
    budget: budgetView,
    currency: z.string(),
    budgeted: money,
    actual: money,
    committed: money,
    reserved: money,
    available: money,
    formula: z.string(),
    reservations: z.object({
      reserved: z.array(reservationView),
      committed: z.array(reservationView),
      actual: z.array(reservationView),
    }),
    listedPerStatus: z.number().int(),
  }),
  errors: [404],
  handler: async ({ params }, ctx) => ({ data: await ctx.platform.budgets.balance(callerOf(ctx), params.budgetId) }),
});

// ---- approval rules ---------------------------------------------------------------------

const ruleBody = z.strictObject({
  department: name().nullable().optional(),
  subCategory: name().nullable().optional(),
  currency,
  threshold: amountInput,
  overBudget: z.enum(["stop", "warn", "ignore"]).default("stop"),
  warnPercent: z.number().int().min(1).max(1000).default(80),
});

const ruleView = z.object({
  id: z.string(),
  customerId: z.string(),
  department: z.string().nullable(),
  subCategory: z.string().nullable(),
  currency: z.string(),
  threshold: money,
  overBudget: z.enum(["stop", "warn", "ignore"]),
  warnPercent: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const budgetRulesList = httpFunction({
  name: "budget-rules-list",
  route: "v1/budget/rules",
  method: "GET",
  summary: "A customer's auto-approval rules (the most specific matching rule governs a check)",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: z.object({ customerId }),
  response: z.object({ items: z.array(ruleView) }),
  errors: [404],
  handler: async ({ query }, ctx) => ({
    data: { items: await ctx.platform.budgets.listRules(callerOf(ctx), query.customerId) },
  }),
});

export const budgetRulesCreate = httpFunction({
  name: "budget-rules-create",
  route: "v1/budget/rules",
  method: "POST",
  summary:
    "Add an auto-approval rule for a customer, optionally narrowed to a department and sub-category: threshold, stop/warn/ignore when over budget, utilization warning percent (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  body: ruleBody.extend({ customerId }),
  response: ruleView,
  successStatus: 201,
  errors: [404, 409],
  handler: async ({ body }, ctx) => {
    const { customerId: id, ...rule } = body;
    return { data: await ctx.platform.budgets.createRule(callerOf(ctx), id, rule, ctx.actor) };
  },
});

const ruleRef = z.object({ ruleId: z.uuid() });

export const budgetRulesUpdate = httpFunction({
  name: "budget-rules-update",
  route: "v1/budget/rules/{ruleId}",
  method: "PUT",
  summary: "Replace an auto-approval rule (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: ruleRef,
  body: ruleBody,
  response: ruleView,
  errors: [404, 409],
  handler: async ({ params, body }, ctx) => ({
    data: await ctx.platform.budgets.updateRule(callerOf(ctx), params.ruleId, body, ctx.actor),
  }),
});

export const budgetRulesDelete = httpFunction({
  name: "budget-rules-delete",
  route: "v1/budget/rules/{ruleId}",
  method: "DELETE",
  summary: "Remove an auto-approval rule (admin); its lines fall back to a broader rule or the default",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: ruleRef,
  response: z.object({ id: z.string(), deleted: z.literal(true) }),
  errors: [404],
  handler: async ({ params }, ctx) => {
    await ctx.platform.budgets.deleteRule(callerOf(ctx), params.ruleId, ctx.actor);
    return { data: { id: params.ruleId, deleted: true as const } };
  },
});

// ---- reservations -----------------------------------------------------------------------

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

export const budgetReservationsCreate = httpFunction({
  name: "budget-reservations-create",
  route: "v1/budget/reservations",
  method: "POST",
  summary:
    "Reserve budget for a purchase request, atomically (parallel requests never over-commit); Idempotency-Key header (or idempotencyKey): the same key again answers the same reservation with 200",
  tags: ["budgets"],
  access: { roles: FINANCE_WRITERS },
  body: z
    .strictObject({
      customerId,
      budgetId: z.uuid().optional(),
      department: name().optional(),
      subCategory: name().optional(),
      fiscalPeriod: name(40).optional(),
      amount: amountInput,
      currency: currency.optional(),
      reference: name(),
      requester: name().optional(),
      supplier: name().optional(),
      idempotencyKey: z.string().regex(IDEMPOTENCY_KEY).optional(),
    })
    .refine((b) => b.budgetId !== undefined || (b.department !== undefined && b.fiscalPeriod !== undefined), {
      message: "name the budget line: budgetId, or department and fiscalPeriod (and subCategory)",
      path: ["budgetId"],
    }),
  response: z.object({
    reservation: reservationView,
    created: z.boolean(),
    approval: checkAnswer
      .pick({
        canAutoApprove: true,
        reason: true,
        autoApprovalThreshold: true,
        splitPurchaseSuspected: true,
        warnings: true,
      })
      .nullable()
      .describe("The approval verdict when the reservation was made by this request; null on a replay"),
  }),
  successStatus: 201,
  errors: [404, 409],
  handler: async ({ body, headers }, ctx) => {
    const key = headers.get("idempotency-key") ?? body.idempotencyKey;
    if (!key || !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError([
        {
          field: "Idempotency-Key",
          location: "header",
          message: "header (or body idempotencyKey) is required: 8-200 characters of A-Z a-z 0-9 . _ : -",
        },
      ]);
    }
    const line: LineRef = body.budgetId
      ? { budgetId: body.budgetId }
      : {
          department: body.department!,
          fiscalPeriod: body.fiscalPeriod!,
          ...(body.subCategory ? { subCategory: body.subCategory } : {}),
        };
    const answer = await ctx.platform.budgets.reserve(
      callerOf(ctx),
      {
        customerId: body.customerId,
        line,
        amount: body.amount,
        idempotencyKey: key,
        reference: body.reference,
        ...(body.currency ? { currency: body.currency } : {}),
        ...(body.requester ? { requester: body.requester } : {}),
        ...(body.supplier ? { supplier: body.supplier } : {}),
      },
      ctx.actor,
    );
    return { data: answer, status: answer.created ? 201 : 200, headers: { "Idempotency-Key": key } };
  },
});

const reservationRef = z.object({ reservationId: z.uuid() });

export const budgetReservationsGet = httpFunction({
  name: "budget-reservations-get",
  route: "v1/budget/reservations/{reservationId}",
  method: "GET",
  summary: "One reservation and its status",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: reservationRef,
  response: reservationView,
  errors: [404],
  handler: async ({ params }, ctx) => ({
    data: await ctx.platform.budgets.getReservation(callerOf(ctx), params.reservationId),
  }),
});

function settle(to: "release" | "commit" | "actual", summary: string) {
  return httpFunction({
    name: `budget-reservations-${to}`,
    route: `v1/budget/reservations/{reservationId}/${to}`,
    method: "POST",
    summary,
    tags: ["budgets"],
    access: { roles: FINANCE_WRITERS },
    params: reservationRef,
    response: reservationView,
    errors: [404, 409],
    handler: async ({ params }, ctx) => ({
      data: await ctx.platform.budgets.settle(callerOf(ctx), params.reservationId, to, ctx.actor),
    }),
  });
}

export const budgetReservationsRelease = settle(
  "release",
  "Release a reservation: its amount is available again (asking twice is harmless; a committed one cannot be released)",
);
export const budgetReservationsCommit = settle(
  "commit",
  "Convert a reservation into a commitment (a purchase order): reserved → committed",
);
export const budgetReservationsActual = settle(
  "actual",
  "Record a reservation or commitment as actual spend (invoiced): reserved/committed → actual",
);
