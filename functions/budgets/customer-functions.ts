import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE, type BudgetCaller } from "../../shared/index.js";
import type { HttpContext } from "../runtime/declarations.js";
import { httpFunction } from "../runtime/declarations.js";
import { text } from "../runtime/schemas.js";

/** A customer id as the seed's systems send it ("cust_123"): safe in paths, bounded. */
export const customerId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
    "must be 1-64 characters of A-Z a-z 0-9 _ . : - (starting alphanumeric)",
  );

/** The signed-in caller the budgets system scopes every query by (routes here are never public). */
export function callerOf(ctx: Pick<HttpContext, "principal">): BudgetCaller {
  return ctx.principal!;
}

const customerView = z.object({ customerId: z.string(), name: z.string(), createdAt: z.string() });

export const customersCreate = httpFunction({
  name: "customers-create",
  route: "v1/customers",
  method: "POST",
  summary: "Create a customer whose budgets the platform keeps (admin); users see it once bound to it",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  body: z.strictObject({ customerId, name: text({ max: 200 }) }),
  response: customerView,
  successStatus: 201,
  errors: [409],
  handler: async ({ body }, { platform, actor }) => ({
    data: await platform.budgets.createCustomer(body.customerId, body.name, actor),
  }),
});

export const customersList = httpFunction({
  name: "customers-list",
  route: "v1/customers",
  method: "GET",
  summary: "The customers the caller is bound to (admins: every customer)",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  response: z.object({ items: z.array(customerView) }),
  handler: async (_input, ctx) => ({ data: { items: await ctx.platform.budgets.listCustomers(callerOf(ctx)) } }),
});

export const customersGet = httpFunction({
  name: "customers-get",
  route: "v1/customers/{customerId}",
  method: "GET",
  summary: "One customer and the users bound to it; a customer the caller is not bound to is 404",
  tags: ["budgets"],
  access: { roles: ANY_ROLE },
  params: z.object({ customerId }),
  response: customerView.extend({ userIds: z.array(z.string()) }),
  errors: [404],
  handler: async ({ params }, ctx) => ({
    data: await ctx.platform.budgets.getCustomer(callerOf(ctx), params.customerId),
  }),
});

const binding = z.object({ customerId, userId: z.string().regex(/^[A-Za-z0-9-]{1,36}$/, "must be a user id") });

export const customerUsersBind = httpFunction({
  name: "customer-users-bind",
  route: "v1/customers/{customerId}/users/{userId}",
  method: "PUT",
  summary: "Bind a user to a customer (admin): the user then sees and acts on that customer's budgets",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: binding,
  response: z.object({ customerId: z.string(), userId: z.string(), bound: z.literal(true) }),
  errors: [404],
  handler: async ({ params }, { platform, actor }) => {
    await platform.budgets.bindUser(params.customerId, params.userId, actor);
    return { data: { customerId: params.customerId, userId: params.userId, bound: true as const } };
  },
});

export const customerUsersUnbind = httpFunction({
  name: "customer-users-unbind",
  route: "v1/customers/{customerId}/users/{userId}",
  method: "DELETE",
  summary: "Unbind a user from a customer (admin)",
  tags: ["budgets"],
  access: { roles: ADMIN_ONLY },
  params: binding,
  response: z.object({ customerId: z.string(), userId: z.string(), bound: z.literal(false) }),
  errors: [404],
  handler: async ({ params }, { platform, actor }) => {
    await platform.budgets.unbindUser(params.customerId, params.userId, actor);
    return { data: { customerId: params.customerId, userId: params.userId, bound: false as const } };
  },
});
