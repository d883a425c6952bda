import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { MIGRATIONS, type PlatformTables } from "../../../shared/catalog.js";
import { openSqliteDatabase, tablesOf } from "../../../shared/foundation/sql/database.js";
import { systemClock } from "../../../shared/ports/clock.js";
import { UserRepository } from "../../../shared/systems/identity/index.js";
import { verifyPassword } from "../../../shared/systems/identity/passwords.js";
import { tempDir } from "../../support/test-host.js";

type Grants = { sqlRoles: string[]; sqlGrants: string[] };
type Outcome = { outcome: "created"; username: string; userId: string } | { outcome: "exists" };
type Hook = {
  appUserStatements: (identityName: string, grants: Grants) => string[];
  firstAdminUsername: (env: Record<string, string | undefined>) => string;
  generateAdminPassword: (username: string) => string;
  ensureFirstAdmin: (
    db: Kysely<PlatformTables>,
    options: { username: string; storePassword: (password: string) => Promise<void> },
  ) => Promise<Outcome>;
};
const hook = async () => (await import(new URL("../../../../scripts/postprovision.mjs", import.meta.url).href)) as Hook;
const roles = JSON.parse(readFileSync(new URL("../../../../infra/bicep/roles.json", import.meta.url), "utf8")) as {
  dataPlane: Partial<Grants>[];
};
const grants = roles.dataPlane.find((d) => d.sqlRoles) as Grants;

describe("the postprovision hook's database user for the app identity", () => {
  it("reads and writes data and executes procedures, and may not change the schema", async () => {
    const statements = (await hook()).appUserStatements("id-api-abc123", grants);
    assert.deepEqual(statements, [
      "IF DATABASE_PRINCIPAL_ID(N'id-api-abc123') IS NULL CREATE USER [id-api-abc123] FROM EXTERNAL PROVIDER",
      "ALTER ROLE db_datareader ADD MEMBER [id-api-abc123]",
      "ALTER ROLE db_datawriter ADD MEMBER [id-api-abc123]",
      "GRANT EXECUTE TO [id-api-abc123]",
      "IF IS_ROLEMEMBER(N'db_ddladmin', N'id-api-abc123') = 1 ALTER ROLE db_ddladmin DROP MEMBER [id-api-abc123]",
    ]);
  });

  it("refuses an identity name that could break out of the statement", async () => {
    const { appUserStatements } = await hook();
    assert.throws(() => appUserStatements("id]; DROP TABLE x; --", grants), /Unexpected identity name/);
  });
});

describe("the postprovision hook's first admin", () => {
  const dir = tempDir("fip-postprovision-");
  after(() => dir.remove());

  it("is named by AZURE_ADMIN_USERNAME, else admin", async () => {
    const { firstAdminUsername } = await hook();
    assert.equal(firstAdminUsername({}), "admin");
    assert.equal(firstAdminUsername({ AZURE_ADMIN_USERNAME: " " }), "admin");
    assert.equal(firstAdminUsername({ AZURE_ADMIN_USERNAME: "ops" }), "ops");
  });

  it("generates 32-character passwords that never hold the username, which the policy refuses", async () => {
    const { generateAdminPassword } = await hook();
    // A raw draw holds an "x" or "X" about two times in three.
    for (let i = 0; i < 200; i++) {
      const password = generateAdminPassword("x");
      assert.equal(password.length, 32);
      assert.doesNotMatch(password, /x/i);
    }
  });

  it("stores a strong generated password before creating the admin, and only once", async () => {
    const { ensureFirstAdmin } = await hook();
    const database = await openSqliteDatabase<PlatformTables>(join(dir.path, "platform.sqlite"), MIGRATIONS);
    try {
      const users = new UserRepository(tablesOf(database.db), systemClock);
      const stored: string[] = [];
      const storePassword = async (password: string) => {
        // Stored first: the admin does not exist yet.
        assert.equal(await users.findCredentials("ops"), undefined);
        stored.push(password);
      };
      const first = await ensureFirstAdmin(database.db, { username: "ops", storePassword });
      assert.equal(first.outcome, "created");
      assert.equal(stored.length, 1);
      assert.ok(stored[0]!.length >= 32);
      const admin = await users.findCredentials("ops");
      assert.ok(await verifyPassword(stored[0]!, admin!.passwordHash), "the stored password signs the admin in");

      const again = await ensureFirstAdmin(database.db, { username: "ops", storePassword });
      assert.deepEqual(again, { outcome: "exists" });
      assert.equal(stored.length, 1, "a re-run stores no new password");
      assert.deepEqual(await users.findCredentials("ops"), admin);
    } finally {
      await database.close();
    }
  });

  it("creates no admin when the password could not be stored", async () => {
    const { ensureFirstAdmin } = await hook();
    const database = await openSqliteDatabase<PlatformTables>(join(dir.path, "unstored.sqlite"), MIGRATIONS);
    try {
      const storePassword = async () => {
        throw new Error("Key Vault: Forbidden");
      };
      await assert.rejects(ensureFirstAdmin(database.db, { username: "ops", storePassword }), /Forbidden/);
      const users = new UserRepository(tablesOf(database.db), systemClock);
      assert.equal(await users.findCredentials("ops"), undefined);
    } finally {
      await database.close();
    }
  });
});
