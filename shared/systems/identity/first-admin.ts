import type { Kysely } from "kysely";
import { ConflictError } from "../../kernel/errors.js";
import { AuditLog } from "../../foundation/audit-log.js";
import { tablesOf } from "../../foundation/sql/database.js";
import type { FoundationTables } from "../../foundation/sql/schema.js";
import type { Clock } from "../../ports/clock.js";
import type { IdentityTables } from "./identity-tables.js";
import { assertStrongPassword } from "./password-policy.js";
import { hashPassword } from "./passwords.js";
import { UserRepository, passwordSchema, usernameSchema } from "./user-repository.js";

/** Who the audit log names for the first admin's creation (the azd postprovision hook). */
export const FIRST_ADMIN_ACTOR = "azd-postprovision";

export type FirstAdminOutcome =
  { readonly outcome: "created"; readonly username: string; readonly userId: string } | { readonly outcome: "exists" };

/**
 * A deployment's first local admin, for a database with no active admin (in Azure nothing
 * else creates one: the local host's seeding is refused there). Does nothing when an
 * active admin exists, so deploy hooks may run it on every provision.
 *
 * `password` is asked for only when the admin is about to be created, so the caller can
 * store it (Key Vault) first and a stored password is never replaced while an admin
 * exists. The password is hashed and checked exactly as the app does for any user.
 */
export async function bootstrapFirstAdmin<Tables>(input: {
  /** The platform's database (identity's users, the foundation's audit log), migrated. */
  readonly db: Kysely<Tables>;
  readonly clock: Clock;
  readonly username: string;
  readonly password: () => Promise<string>;
}): Promise<FirstAdminOutcome> {
  const users = new UserRepository(tablesOf<IdentityTables, Tables>(input.db), input.clock);
  if (await users.anyActiveWithRole("admin")) return { outcome: "exists" };
  const username = usernameSchema.parse(input.username).toLowerCase();
  // Checked before the password is asked for: the caller must not store one for nobody.
  if (await users.findCredentials(username)) {
    throw new ConflictError(`User '${username}' exists but is not an active admin; pick another first admin name`, {
      field: "username",
    });
  }
  const password = passwordSchema.parse(await input.password());
  await assertStrongPassword(password, username);
  const user = await users.create({ username, passwordHash: await hashPassword(password), roles: ["admin"] });
  await new AuditLog(tablesOf<FoundationTables, Tables>(input.db), input.clock).record(
    { correlationId: FIRST_ADMIN_ACTOR },
    {
      action: "user.created",
      resourceType: "user",
      resourceId: user.id,
      details: { username: user.username, roles: user.roles },
    },
  );
  return { outcome: "created", username: user.username, userId: user.id };
}
