import { z } from "zod";
import { ADMIN_ONLY, passwordSchema, rolesSchema, usernameSchema } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { text, uuidParam } from "../runtime/schemas.js";
import { toUserView, userView } from "./user-schemas.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in identity's snake_case. */
const paged = paging("snake_case", { default: 50, max: 200 });

const userIdParams = z.object({ userId: uuidParam });

export const usersCreate = httpFunction({
  name: "users-create",
  route: "v1/users",
  method: "POST",
  summary: "Create a user with roles (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  body: z.object({ username: usernameSchema, password: passwordSchema, roles: rolesSchema }),
  response: userView,
  successStatus: 201,
  errors: [409],
  handler: async ({ body }, { platform, actor }) => ({
    data: toUserView(await platform.identity.createUser(body, actor)),
  }),
});

export const usersList = httpFunction({
  name: "users-list",
  route: "v1/users",
  method: "GET",
  summary: "List users, ordered by username, paginated (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  query: paged.query.extend({ status: z.enum(["active", "disabled"]).optional() }),
  response: z.object({ items: z.array(userView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const page = await platform.identity.listUsers({
      page: query.page,
      pageSize: query.page_size,
      ...(query.status ? { status: query.status } : {}),
    });
    return { data: paged.pageOf(page.items.map(toUserView), page) };
  },
});

export const usersGet = httpFunction({
  name: "users-get",
  route: "v1/users/{userId}",
  method: "GET",
  summary: "One user (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  params: userIdParams,
  response: userView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: toUserView(await platform.identity.getUser(params.userId)) }),
});

export const usersDisable = httpFunction({
  name: "users-disable",
  route: "v1/users/{userId}/disable",
  method: "POST",
  summary: "Disable a user: their tokens stop working at once and their sessions are revoked (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  params: userIdParams,
  response: userView,
  errors: [404],
  handler: async ({ params }, { platform, actor }) => ({
    data: toUserView(await platform.identity.setStatus(params.userId, "disabled", actor)),
  }),
});

export const usersEnable = httpFunction({
  name: "users-enable",
  route: "v1/users/{userId}/enable",
  method: "POST",
  summary: "Re-enable a disabled user (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  params: userIdParams,
  response: userView,
  errors: [404],
  handler: async ({ params }, { platform, actor }) => ({
    data: toUserView(await platform.identity.setStatus(params.userId, "active", actor)),
  }),
});

export const usersResetPassword = httpFunction({
  name: "users-reset-password",
  route: "v1/users/{userId}/password",
  method: "PUT",
  summary: "Set a new password for a user and revoke their sessions (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  params: userIdParams,
  body: z.object({ password: passwordSchema }),
  response: userView,
  errors: [404],
  handler: async ({ params, body }, { platform, actor }) => ({
    data: toUserView(await platform.identity.resetPassword(params.userId, body.password, actor)),
  }),
});

export const usersSetRoles = httpFunction({
  name: "users-set-roles",
  route: "v1/users/{userId}/roles",
  method: "PUT",
  summary: "Replace a user's roles (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  params: userIdParams,
  body: z.object({ roles: rolesSchema }),
  response: userView,
  errors: [404],
  handler: async ({ params, body }, { platform, actor }) => ({
    data: toUserView(await platform.identity.setRoles(params.userId, body.roles, actor)),
  }),
});

export const auditLogList = httpFunction({
  name: "audit-log-list",
  route: "v1/audit-log",
  method: "GET",
  summary: "Audit records, newest first, optionally by action or user (admin)",
  tags: ["users"],
  access: { roles: ADMIN_ONLY },
  query: paged.query.extend({
    action: text({ min: 0, max: 100, trim: false }).optional(),
    user_id: uuidParam.optional(),
  }),
  response: z.object({
    items: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        resource_type: z.string(),
        resource_id: z.string().nullable(),
        user_id: z.string().nullable(),
        details: z.record(z.string(), z.unknown()).nullable(),
        ip_address: z.string().nullable(),
        correlation_id: z.string().nullable(),
        created_at: z.string(),
      }),
    ),
    page: z.number().int(),
    page_size: z.number().int(),
  }),
  handler: async ({ query }, { platform }) => {
    const records = await platform.audit.list({
      limit: query.page_size,
      offset: (query.page - 1) * query.page_size,
      ...(query.action ? { action: query.action } : {}),
      ...(query.user_id ? { userId: query.user_id } : {}),
    });
    return {
      data: {
        items: records.map((r) => ({
          id: r.id,
          action: r.action,
          resource_type: r.resourceType,
          resource_id: r.resourceId ?? null,
          user_id: r.userId ?? null,
          details: r.details ?? null,
          ip_address: r.ipAddress ?? null,
          correlation_id: r.correlationId ?? null,
          created_at: r.createdAt,
        })),
        page: query.page,
        page_size: query.page_size,
      },
    };
  },
});
