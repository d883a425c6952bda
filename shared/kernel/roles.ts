import { z } from "zod";

/** Roles in decreasing order of power. Every endpoint lists the roles it allows. */
export const ROLES = ["admin", "finance", "analyst", "viewer"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Readers: every role. */
export const ANY_ROLE: readonly Role[] = ROLES;
export const ADMIN_ONLY: readonly Role[] = ["admin"];
/** Who may change finance data: admin and finance. */
export const FINANCE_WRITERS: readonly Role[] = ["admin", "finance"];

export function hasAnyRole(userRoles: readonly Role[], allowed: readonly Role[]): boolean {
  return userRoles.some((r) => allowed.includes(r));
}
