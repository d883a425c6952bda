import assert from "node:assert/strict";
import { openOrSkip } from "../support/contract.js";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { AuditLog } from "../../shared/foundation/audit-log.js";
import { RefreshTokenStore } from "../../shared/systems/identity/refresh-token-repository.js";
import { UserRepository } from "../../shared/systems/identity/user-repository.js";
import { ProjectRepository } from "../../shared/systems/gateway/project-repository.js";
import { BillingRepository } from "../../shared/systems/billing/billing-repository.js";
import { billingChecksum } from "../../shared/sap/billing-checksum.js";
import { migrateToLatest } from "../../shared/foundation/sql/migrations.js";
import {
  openMssqlDatabase,
  openSqliteDatabase,
  tablesOf,
  type Database,
} from "../../shared/foundation/sql/database.js";
import { MIGRATIONS, type PlatformTables } from "../../shared/catalog.js";
import { tempDir } from "../support/test-host.js";
import { systemClock } from "../../shared/ports/clock.js";

/** Repository behaviour on every SQL adapter: SQLite always, SQL Server when configured. */
function contract(name: string, open: () => Promise<Database<PlatformTables> | { skip: string }>) {
  describe(`SQL repositories contract: ${name}`, () => {
    const subject = openOrSkip(name, open, (database) => database.close());
    const suffix = Date.now().toString(36);

    it("applies migrations idempotently", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      await migrateToLatest(database.db as never, database.dialect, MIGRATIONS);
      await migrateToLatest(database.db as never, database.dialect, MIGRATIONS);
      const r = await sql<{ n: number }>`select count(*) as n from users`.execute(database.db);
      assert.ok(Number(r.rows[0]!.n) >= 0);
    });

    it("creates, finds case-insensitively, pages and updates users; refuses duplicates", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      const users = new UserRepository(tablesOf(database.db), systemClock);
      const a = await users.create({ username: `Alice.${suffix}`, passwordHash: "h1", roles: ["finance", "viewer"] });
      await users.create({ username: `bob.${suffix}`, passwordHash: "h2", roles: ["viewer"] });
      await assert.rejects(
        users.create({ username: `ALICE.${suffix}`, passwordHash: "h3", roles: ["viewer"] }),
        /already exists/,
      );
      const found = await users.findCredentials(`alice.${suffix}`);
      assert.equal(found?.user.id, a.id);
      assert.deepEqual(found?.user.roles, ["finance", "viewer"]);
      assert.equal(found?.passwordHash, "h1");
      const updated = await users.update(a.id, { status: "disabled", roles: ["admin"] });
      assert.equal(updated.status, "disabled");
      assert.deepEqual(updated.roles, ["admin"]);
      const page = await users.list({ page: 1, pageSize: 1, status: "disabled" });
      assert.equal(page.items.length, 1);
      assert.ok(page.total >= 1);
      await assert.rejects(users.update("00000000-0000-0000-0000-000000000000", { status: "active" }), /not found/);
    });

    it("rotates refresh tokens exactly once and revokes families", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      const users = new UserRepository(tablesOf(database.db), systemClock);
      const u = await users.create({ username: `carol.${suffix}`, passwordHash: "h", roles: ["viewer"] });
      const store = new RefreshTokenStore(tablesOf(database.db), systemClock);
      const { token } = await store.issue(u.id, "family-" + suffix, 3600);
      const row = await store.find(token);
      assert.ok(row);
      const [first, second] = await Promise.all([store.markUsed(row.id), store.markUsed(row.id)]);
      assert.deepEqual([first, second].sort(), [false, true], "one concurrent use wins");
      await store.issue(u.id, "family-" + suffix, 3600);
      assert.equal(await store.revokeFamily("family-" + suffix, "test"), 2);
      assert.ok((await store.find(token))?.revoked_at);
    });

    it("appends audit records and lists them newest first", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      const audit = new AuditLog(tablesOf(database.db), systemClock);
      await audit.record(
        { correlationId: "c1", ipAddress: "10.0.0.1" },
        { action: `test.first.${suffix}`, resourceType: "thing", details: { a: 1 } },
      );
      await new Promise((r) => setTimeout(r, 5));
      await audit.record({ correlationId: "c2" }, { action: `test.second.${suffix}`, resourceType: "thing" });
      const rows = await audit.list({ limit: 2, offset: 0 });
      assert.equal(rows[0]!.action, `test.second.${suffix}`);
      const first = await audit.list({ action: `test.first.${suffix}`, limit: 10, offset: 0 });
      assert.deepEqual(first[0]!.details, { a: 1 });
      assert.equal(first[0]!.ipAddress, "10.0.0.1");
    });

    it("keeps project records with exact cost totals and optimistic versions", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      const projects = new ProjectRepository(tablesOf(database.db), systemClock);
      const id = `PRJ-T${suffix}`.slice(0, 50);
      // Larger than 2^53: a bigint column must come back exact on both dialects.
      await projects.insertMissing([
        {
          projectId: id,
          sapProjectCode: id,
          name: null,
          status: "active",
          customField1: "Ü-field",
          customField2: null,
          totalCostMinor: 9_007_199_254_740_993n,
          costCurrency: "EUR",
        },
      ]);
      const found = await projects.findProject(id);
      assert.equal(found?.totalCostMinor, 9_007_199_254_740_993n);
      assert.equal(found?.customField1, "Ü-field");
      assert.equal(found?.version, 1);
      const updated = await projects.updateProject(id, id, 1, { name: "Renamed", customField1: null });
      assert.equal(updated.version, 2);
      assert.equal(updated.name, "Renamed");
      assert.equal(updated.customField1, null);
      await assert.rejects(
        projects.updateProject(id, id, 1, { status: "on_hold" }),
        (e: any) => e.code === "PRECONDITION_FAILED",
      );
      await assert.rejects(
        projects.updateProject(id, id, 0, { status: "on_hold" }),
        (e: any) => e.code === "PRECONDITION_FAILED",
      );
      const created = await projects.updateProject(`${id}N`, `${id}N`, 0, { status: "planning" });
      assert.equal(created.version, 1);
      assert.deepEqual([...(await projects.findNames([id, `${id}N`])).entries()], [[id, "Renamed"]]);
    });

    it("keeps billing entries exact, PENDING until their saga activates them, removable only while pending", async (t) => {
      if (subject.skipped(t)) return;
      const database = subject.get();
      const billing = new BillingRepository(tablesOf(database.db), systemClock);
      const project = `PRJ-B${suffix}`.slice(0, 50);
      const saga = `saga-${suffix}`;
      const entry = (n: number, amountMinor: bigint) => ({
        entryId: `${saga}-${n}`,
        projectId: project,
        sagaId: saga,
        kind: "billing" as const,
        pep: null,
        amountMinor,
        currency: "EUR",
        billingDate: "2026-11-20",
        description: `Entry ${n} — Überweisung`,
      });
      await billing.insertPending([entry(1, 9_007_199_254_740_993n), entry(2, -125n)]);
      assert.deepEqual(await billing.listActive(project), [], "pending entries are not billing yet");
      assert.equal(await billing.activate(saga), 2);
      const active = await billing.listActive(project);
      assert.deepEqual(
        active.map((e) => e.amountMinor),
        [9_007_199_254_740_993n, -125n],
      );
      assert.equal(active[0]!.description, "Entry 1 — Überweisung");
      assert.equal(
        billingChecksum(active),
        billingChecksum([entry(2, -125n), entry(1, 9_007_199_254_740_993n)]),
        "the checksum ignores order",
      );
      assert.equal(await billing.removePending(saga), 0, "an activated saga is not undone here");
      await billing.insertPending([{ ...entry(3, 1n), sagaId: `${saga}-b` }]);
      assert.equal(await billing.removePending(`${saga}-b`), 1);
    });
  });
}

const dir = tempDir();
contract("SQLite", () => openSqliteDatabase<PlatformTables>(join(dir.path, "repo.sqlite"), MIGRATIONS));
after(() => dir.remove());
contract("SQL Server", async () => {
  const cs = process.env.MSSQL_TEST_CONNECTION_STRING;
  if (!cs) return { skip: "MSSQL_TEST_CONNECTION_STRING is not set; the SQL Server half is SKIPPED" };
  return openMssqlDatabase<PlatformTables>(cs, MIGRATIONS);
});
