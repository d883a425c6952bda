import { ROLES, type Role } from "../../kernel/roles.js";

/**
 * The app roles of the platform's Entra ID app registration (their `value`, which Entra ID
 * puts in the `roles` claim of an access token), and the platform role each grants.
 * docs/systems/identity.md shows how to create them.
 */
export const ENTRA_APP_ROLES: Readonly<Record<string, Role>> = {
  "Platform.Admin": "admin",
  "Platform.Finance": "finance",
  "Platform.Analyst": "analyst",
  "Platform.Viewer": "viewer",
};

/**
 * The platform roles granted by a token's `roles` claim, in ROLES order without repeats.
 * Values of other apps' roles (or anything not a string) grant nothing; app role values
 * are case-sensitive in Entra ID, so they are matched exactly.
 */
export function rolesFromAppRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return [];
  const granted = new Set<Role>();
  for (const value of claim) {
    if (typeof value === "string" && Object.hasOwn(ENTRA_APP_ROLES, value)) granted.add(ENTRA_APP_ROLES[value]!);
  }
  return ROLES.filter((role) => granted.has(role));
}
