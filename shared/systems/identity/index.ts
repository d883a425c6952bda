// The identity system's public face: other systems, the root and functions/ reach it here only.
export { createIdentity } from "./identity-module.js";
export { IDENTITY_SETTINGS } from "./identity-settings.js";
export type { IdentityTables } from "./identity-tables.js";
export { identityMigrations } from "./identity-migrations.js";
export { bootstrapFirstAdmin, FIRST_ADMIN_ACTOR, type FirstAdminOutcome } from "./first-admin.js";
export type { IdentityService, Principal, TokenPair } from "./identity-service.js";
export type { EntraConsoleSignIn, SignInOptions } from "./console-sign-in.js";
export type { AccessTokenClaims } from "./access-tokens.js";
export {
  UserRepository,
  usernameSchema,
  passwordSchema,
  rolesSchema,
  type User,
  type UserStatus,
  type Page,
} from "./user-repository.js";
