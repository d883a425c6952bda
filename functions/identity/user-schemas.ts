import { z } from "zod";
import { roleSchema, type Principal, type User } from "../../shared/index.js";

/** A user as identity's API shows it (snake_case on the wire, as the seeds' contracts are). */
export const userView = z.object({
  id: z.string(),
  username: z.string(),
  roles: z.array(roleSchema),
  status: z.enum(["active", "disabled"]),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});

export function toUserView(user: User): z.infer<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    roles: [...user.roles],
    status: user.status,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    last_login_at: user.lastLoginAt,
  };
}

/** The caller at /auth/me: a local account, or an Entra ID principal (no local account, so no dates). */
export const meView = userView.extend({
  provider: z.enum(["local", "entra"]),
  tenant_id: z.string().optional(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export function toMeView(principal: Principal, account: User | null): z.infer<typeof meView> {
  if (account) return { ...toUserView(account), provider: "local" };
  return {
    id: principal.userId,
    username: principal.username,
    roles: [...principal.roles],
    status: "active",
    created_at: null,
    updated_at: null,
    last_login_at: null,
    provider: "entra",
    ...(principal.tenantId !== undefined ? { tenant_id: principal.tenantId } : {}),
  };
}
