import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MIGRATIONS, type PlatformTables } from "../../../shared/catalog.js";
import { AuditLog } from "../../../shared/foundation/audit-log.js";
import { openSqliteDatabase, tablesOf, type Database } from "../../../shared/foundation/sql/database.js";
import { systemClock } from "../../../shared/ports/clock.js";
import { bootstrapFirstAdmin, UserRepository } from "../../../shared/systems/identity/index.js";
import { apiClient, startTestHost, tempDir } from "../../support/test-host.js";

const PASSWORD = "Tr7vQx-bootstrap-pw-9KzLmW2pD4sN";

/** A password supplier that counts how often it was asked. */
function supplier(password = PASSWORD) {
  const asked = { count: 0 };
  return { asked, password: async () => (asked.count++, password) };
}

async function withDatabase<T>(dir: string, run: (database: Database<PlatformTables>) => Promise<T>): Promise<T> {
  const database = await openSqliteDatabase<PlatformTables>(join(dir, "platform.sqlite"), MIGRATIONS);
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

const usersOf = (database: Database<PlatformTables>) => new UserRepository(tablesOf(database.db), systemClock);

describe("the first admin of a deployment (bootstrapFirstAdmin, run by the postprovision hook)", () => {
  const dir = tempDir("fip-first-admin-");
  after(() => dir.remove());

  it("creates an admin in an empty database, audited as the postprovision hook", async () => {
    await withDatabase(dir.path, async (database) => {
      const { asked, password } = supplier();
      const result = await bootstrapFirstAdmin({
        db: database.db,
        clock: systemClock,
        username: "Ops-Admin",
        password,
      });
      assert.equal(result.outcome, "created");
      assert.equal(asked.count, 1);
      const found = await usersOf(database).findCredentials("ops-admin");
      assert.deepEqual(found?.user.roles, ["admin"]);
      assert.equal(found?.user.status, "active");
      const [entry] = await new AuditLog(tablesOf(database.db), systemClock).list({
        action: "user.created",
        limit: 10,
        offset: 0,
      });
      assert.equal(entry?.correlationId, "azd-postprovision");
      assert.equal(entry?.resourceId, found?.user.id);
    });
  });

  it("on a second run reports that an admin exists, asks for no password and changes nothing", async () => {
    await withDatabase(dir.path, async (database) => {
      const users = usersOf(database);
      const before = await users.findCredentials("ops-admin");
      const { asked, password } = supplier("Another-strong-pw-7hGq2xVb9");
      const result = await bootstrapFirstAdmin({
        db: database.db,
        clock: systemClock,
        username: "ops-admin",
        password,
      });
      assert.deepEqual(result, { outcome: "exists" });
      assert.equal(asked.count, 0);
      assert.deepEqual(await users.findCredentials("ops-admin"), before);
      assert.equal((await users.list({ page: 1, pageSize: 10 })).total, 1);
    });
  });

  it("lets that admin sign in through HTTP on the local host", async () => {
    const host = await startTestHost({ DATA_DIR: dir.path });
    try {
      const call = apiClient(host.url);
      const login = await call("POST", "/api/v1/auth/login", { body: { username: "ops-admin", password: PASSWORD } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const me = await call("GET", "/api/v1/auth/me", { token: login.body.data.access_token });
      assert.deepEqual(me.body.data.roles, ["admin"]);
    } finally {
      await host.stop();
    }
  });
});

describe("bootstrapFirstAdmin next to existing users", () => {
  const dir = tempDir("fip-first-admin-");
  before(async () => {
    await withDatabase(dir.path, async (database) => {
      const users = usersOf(database);
      await users.create({ username: "alice", passwordHash: "scrypt$x", roles: ["finance", "admin"] });
      const old = await users.create({ username: "admin", passwordHash: "scrypt$x", roles: ["admin"] });
      await users.update(old.id, { status: "disabled" });
    });
  });
  after(() => dir.remove());

  it("creates nothing while another active admin exists", async () => {
    await withDatabase(dir.path, async (database) => {
      const { asked, password } = supplier();
      const result = await bootstrapFirstAdmin({ db: database.db, clock: systemClock, username: "root", password });
      assert.deepEqual(result, { outcome: "exists" });
      assert.equal(asked.count, 0);
      assert.equal(await usersOf(database).findCredentials("root"), undefined);
    });
  });

  it("refuses a name held by a user who is not an active admin, before asking for a password", async () => {
    await withDatabase(dir.path, async (database) => {
      const users = usersOf(database);
      const alice = await users.findCredentials("alice");
      await users.update(alice!.user.id, { status: "disabled" });
      const { asked, password } = supplier();
      await assert.rejects(
        bootstrapFirstAdmin({ db: database.db, clock: systemClock, username: "admin", password }),
        /exists but is not an active admin/,
      );
      assert.equal(asked.count, 0);
    });
  });

  it("refuses a weak password, as the app would", async () => {
    await withDatabase(dir.path, async (database) => {
      await assert.rejects(
        bootstrapFirstAdmin({
          db: database.db,
          clock: systemClock,
          username: "first-admin",
          password: async () => "password1234",
        }),
        /Weak password/,
      );
      assert.equal(await usersOf(database).findCredentials("first-admin"), undefined);
    });
  });
});
