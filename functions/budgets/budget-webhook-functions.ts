import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE, BUDGET_WEBHOOK_EVENTS, QUEUES } from "../../shared/index.js";
import { httpFunction, queueFunction, type HttpContext } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { text } from "../runtime/schemas.js";
import { callerOf, customerId } from "./customer-functions.js";

const paged = paging("camelCase");
const caller = (ctx: Pick<HttpContext, "principal" | "actor">) => ({ ...ctx.actor, ...callerOf(ctx) });

const event = z.enum(BUDGET_WEBHOOK_EVENTS);
const webhookView = z.object({
  webhookId: z.string(),
  customerId: z.string(),
  url: z.string(),
  events: z.array(event),
  secretName: z.string().describe("The Key Vault secret deliveries are signed with; its value is never returned"),
  description: z.string().nullable(),
  createdAt: z.string(),
});
const deliveryView = z.object({
  deliveryId: z.string().describe("Sent as X-Webhook-Id: the same on every attempt, for the receiver to de-duplicate"),
  webhookId: z.string(),
  event: z.string(),
  url: z.string(),
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  nextRetryAt: z.string().nullable(),
  outcome: z.enum(["pending", "delivered", "failed", "cancelled"]),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const webhooksCreate = httpFunction({
  name: "budget-webhooks-create",
  route: "v1/webhooks",
  method: "POST",
  summary:
    "Register a customer's webhook endpoint (admin) for budget.import.completed / budget.import.failed: https only, never a private, loopback or link-local address; deliveries are signed (X-Webhook-Signature: t=…,v1=HMAC-SHA256 of `t.body`) with the Key Vault secret budget-webhook-<customer>, which must be set first",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  body: z.strictObject({
    customerId,
    url: text({ max: 2048 }),
    events: z.array(event).min(1).max(BUDGET_WEBHOOK_EVENTS.length).optional(),
    secretName: z
      .string()
      .regex(/^[a-z0-9-]{1,127}$/, "must be a Key Vault secret name (a-z 0-9 -, at most 127)")
      .optional(),
    description: text({ max: 200 }).optional(),
  }),
  response: webhookView,
  successStatus: 201,
  errors: [404, 409],
  handler: async ({ body }, ctx) => ({
    data: await ctx.platform.budgetWebhooks.create(
      {
        customerId: body.customerId,
        url: body.url,
        ...(body.events ? { events: body.events } : {}),
        ...(body.secretName ? { secretName: body.secretName } : {}),
        ...(body.description ? { description: body.description } : {}),
      },
      caller(ctx),
    ),
  }),
});

export const webhooksList = httpFunction({
  name: "budget-webhooks-list",
  route: "v1/webhooks",
  method: "GET",
  summary: "A customer's webhook endpoints",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: z.object({ customerId }),
  response: z.object({ items: z.array(webhookView) }),
  errors: [404],
  handler: async ({ query }, ctx) => ({
    data: { items: await ctx.platform.budgetWebhooks.list(query.customerId, caller(ctx)) },
  }),
});

export const webhooksDelete = httpFunction({
  name: "budget-webhooks-delete",
  route: "v1/webhooks/{webhookId}",
  method: "DELETE",
  summary: "Delete a customer's webhook endpoint (admin); its pending deliveries end cancelled",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: z.object({ webhookId: z.uuid() }),
  query: z.object({ customerId }),
  response: z.object({ webhookId: z.string(), deleted: z.literal(true) }),
  errors: [404],
  handler: async ({ params, query }, ctx) => {
    await ctx.platform.budgetWebhooks.remove(query.customerId, params.webhookId, caller(ctx));
    return { data: { webhookId: params.webhookId, deleted: true as const } };
  },
});

export const webhookDeliveriesList = httpFunction({
  name: "budget-webhook-deliveries-list",
  route: "v1/webhooks/deliveries",
  method: "GET",
  summary:
    "A customer's webhook delivery log, newest first: event, URL, attempt, last status code, next retry, outcome",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({ customerId, webhookId: z.uuid().optional() }),
  response: z.object({ items: z.array(deliveryView), pagination: paged.view }),
  errors: [404],
  handler: async ({ query }, ctx) => {
    const { items, total } = await ctx.platform.budgetWebhooks.deliveries(
      query.customerId,
      query.page,
      query.pageSize,
      caller(ctx),
      query.webhookId,
    );
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const budgetWebhookDeliver = queueFunction({
  name: "budget-webhook-deliver",
  queue: QUEUES.budgetWebhooks,
  message: z.strictObject({ delivery_id: z.uuid(), attempt: z.number().int().min(1).max(100) }),
  handler: async (message, { platform, isLastDelivery }) => {
    await platform.jobs.deliver(
      { kind: "budget-webhook", jobId: message.delivery_id, isLastDelivery, step: `attempt ${message.attempt}` },
      () => platform.budgetWebhooks.deliver(message),
      (reason) => platform.budgetWebhooks.failLastDelivery(message, reason),
    );
  },
});
