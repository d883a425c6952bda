// The platform's roles (shared/kernel/roles.ts), for showing only what a user may do.
export const ROLES = ["admin", "finance", "analyst", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const ANY_ROLE: readonly Role[] = ROLES;
export const FINANCE_WRITERS: readonly Role[] = ["admin", "finance"];
export const ADMIN_ONLY: readonly Role[] = ["admin"];
/** Anomalies, RCA and chat (shared/systems/analytics/analytics-roles.ts): viewers see the dashboard only. */
export const ANALYTICS_READERS: readonly Role[] = ["admin", "finance", "analyst"];

export function hasAnyRole(userRoles: readonly Role[], allowed: readonly Role[]): boolean {
  return userRoles.some((role) => allowed.includes(role));
}
