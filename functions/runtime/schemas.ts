import { z } from "zod";
import { roleSchema, type Page, type User } from "../../shared/index.js";

/** Shared API shapes (snake_case on the wire, as the seeds' contracts are). */
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

export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
});

export const paginationView = z.object({
  page: z.number().int(),
  page_size: z.number().int(),
  total: z.number().int(),
  total_pages: z.number().int(),
});

export function pageOf<T>(items: readonly unknown[], page: Page<T> | { page: number; pageSize: number; total: number }) {
  return {
    items,
    pagination: { page: page.page, page_size: page.pageSize, total: page.total, total_pages: Math.ceil(page.total / page.pageSize) },
  };
}

export const uuidParam = z.string().uuid();
