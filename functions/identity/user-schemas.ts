import { z } from "zod";
import { roleSchema, type User } from "../../shared/index.js";

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
