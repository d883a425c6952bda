import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { apiClient, startTestHost, type TestHost, loginAs, tokenFor } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;

async function pass(): Promise<any> {
  await host.timers.run("billing-reconciliation");
  const runs = (await call("GET", "/api/v1/reconciliation/runs?pageSize=1", { token: admin })).body.data.items;
  return runs[0];
}

async function inconsistencies(projectId: string): Promise<any[]> {
  return (await call("GET", `/api/v1/reconciliation/inconsistencies?projectId=${projectId}`, { token: admin })).body
    .data.items;
}

async function alertsRaised(): Promise<number> {
  const text = (await call("GET", "/api/metrics", { token: admin })).body as string;
  const line = text.split("\n").find((l) => l.startsWith('alerts_raised_total{source="billing-reconciliation"'));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("billing reconciliation between SAP and SQL", () => {
  before(async () => {
    host = await startTestHost({
      SAP_SIMULATOR_PROJECTS: "120",
      RECONCILIATION_RANGE_SIZE: "25",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
    });
    call = apiClient(host.url);
    admin = await loginAs(call);
  });
  after(async () => host?.stop());

  it("starts with a full pass (no watermark yet) that finds the seeded sides in agreement by range checksums", async () => {
    const sap = host.platform.simulators.sap!;
    const readsBefore = sap.recordedCalls("Z_READ_BILLING_DATA").length;
    const run = await pass();
    assert.equal(run.status, "COMPLETED", JSON.stringify(run));
    assert.equal(run.mode, "full");
    assert.equal(run.projectsChecked, 120);
    assert.equal(run.inconsistenciesFound, 0);
    // One project list, one checksum call per range of 25; no entries fetched.
    assert.equal(run.sapCalls, 1 + Math.ceil(120 / 25));
    assert.equal(sap.recordedCalls("Z_READ_BILLING_DATA").length, readsBefore);
    assert.ok(run.watermarkTo);
  });

  it("finds a posting made in SAP alone on the next incremental pass, reports it once, and a resolved finding stays quiet", async () => {
    const sap = host.platform.simulators.sap!;
    await sap.call("Z_UPDATE_PROJECT_DATA", {
      PROJECT_ID: "PRJ-000033",
      IV_REFERENCE: `manual-${randomUUID()}`,
      IT_ENTRIES: [
        { ENTRY_ID: "SAP-ONLY-1", AMOUNT: "480.00", WAERS: "EUR", BUDAT: "20261115", SGTXT: "Posted in SAP by hand" },
      ],
    });
    const alertsBefore = await alertsRaised();
    const run = await pass();
    assert.equal(run.mode, "incremental");
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.inconsistenciesFound, 1);
    const [found] = await inconsistencies("PRJ-000033");
    assert.equal(found.status, "OPEN");
    assert.deepEqual(
      found.differences.onlyInSap.map((e: any) => [e.entryId, e.amount]),
      [["SAP-ONLY-1", "480.00"]],
    );
    assert.deepEqual(
      found.proposal.actions.map((a: any) => a.action),
      ["insert"],
    );
    assert.equal(found.proposal.side, "sql");
    assert.equal(await alertsRaised(), alertsBefore + 1);

    await sap.call("Z_REVERSE_BILLING", { IV_REFERENCE: "nothing-under-this-reference" }); // unrelated SAP activity
    const full = await call("POST", "/api/v1/reconciliation/runs", { token: admin, body: { mode: "full" } });
    assert.equal(full.status, 202);
    assert.equal(full.body.data.status, "QUEUED");
    let run2: any;
    const deadline = Date.now() + 10_000;
    do {
      await new Promise((r) => setTimeout(r, 100));
      run2 = (await call("GET", `/api/v1/reconciliation/runs/${full.body.data.runId}`, { token: admin })).body.data;
    } while (run2.status !== "COMPLETED" && Date.now() < deadline);
    assert.equal(run2.status, "COMPLETED", "the queued full pass ran on the reconciliation-requests worker");
    assert.equal((await inconsistencies("PRJ-000033")).length, 1, "still one finding");
    assert.equal(await alertsRaised(), alertsBefore + 1, "not alerted twice");

    const resolved = await call("POST", `/api/v1/reconciliation/inconsistencies/${found.inconsistencyId}/resolve`, {
      token: admin,
      body: { comment: "Hand posting confirmed by controlling" },
    });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.data.status, "RESOLVED");
    await call("POST", "/api/v1/reconciliation/runs", { token: admin, body: { mode: "full" } });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await alertsRaised(), alertsBefore + 1, "resolving stops the alert");
    assert.deepEqual(
      (await inconsistencies("PRJ-000033")).map((i) => i.status),
      ["RESOLVED"],
    );
    const audit = await call("GET", "/api/v1/audit-log?action=reconciliation.inconsistency_resolved", { token: admin });
    assert.equal(audit.body.data.items[0].resource_id, found.inconsistencyId);
  });

  it("finds an amount changed on the SQL side and repairs it from SAP through the SAGA", async () => {
    const db = host.platform.database.db;
    const [victim] = (
      await sql<{
        entry_id: string;
        amount_minor: string;
      }>`select entry_id, cast(amount_minor as varchar(20)) as amount_minor from billing_entries where project_id = 'PRJ-000047' and status = 'ACTIVE' order by entry_id`.execute(
        db,
      )
    ).rows;
    assert.ok(victim, "the seeded project has billing");
    await sql`update billing_entries set amount_minor = amount_minor + 1, updated_at = ${new Date().toISOString()} where entry_id = ${victim.entry_id}`.execute(
      db,
    );

    const run = await pass();
    assert.equal(run.status, "COMPLETED");
    assert.ok(
      run.inconsistenciesFound >= 1,
      "the tampered project differs (PRJ-000033, resolved, may still be counted)",
    );
    const [found] = await inconsistencies("PRJ-000047");
    assert.deepEqual(
      found.differences.changed.map((c: any) => c.entryId),
      [victim.entry_id],
    );
    assert.deepEqual(
      found.proposal.actions.map((a: any) => a.action),
      ["update"],
    );

    const viewer = await call("POST", `/api/v1/reconciliation/inconsistencies/${found.inconsistencyId}/apply`, {
      token: admin,
    });
    assert.equal(viewer.status, 200, JSON.stringify(viewer.body));
    assert.equal(viewer.body.data.status, "SUCCESS");
    const saga = (await call("GET", `/api/v1/sagas/${viewer.body.data.sagaId}`, { token: admin })).body.data;
    assert.equal(saga.operationType, "RECONCILIATION_REPAIR");
    assert.equal(saga.status, "SUCCESS");
    const [row] = (
      await sql<{
        amount_minor: string;
      }>`select cast(amount_minor as varchar(20)) as amount_minor from billing_entries where entry_id = ${victim.entry_id}`.execute(
        db,
      )
    ).rows;
    assert.equal(row!.amount_minor, victim.amount_minor, "SQL holds SAP's amount again");
    assert.equal((await inconsistencies("PRJ-000047"))[0].status, "REPAIRED");
    const again = await call("POST", `/api/v1/reconciliation/inconsistencies/${found.inconsistencyId}/apply`, {
      token: admin,
    });
    assert.equal(again.status, 409, "a repaired finding is not applied twice");

    const check = await pass();
    assert.equal(check.status, "COMPLETED");
    assert.deepEqual(
      (await inconsistencies("PRJ-000047")).map((i) => i.status),
      ["REPAIRED"],
      "consistent now: no new finding",
    );
  });

  it("never runs two passes at once", async () => {
    const rec = host.platform.reconciliation;
    const [a, b] = await Promise.all([
      rec.recordRun("full", { userId: "t1" }),
      rec.recordRun("full", { userId: "t2" }),
    ]);
    const results = await Promise.all([rec.runPass(a.runId), rec.runPass(b.runId)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["COMPLETED", "SKIPPED"]);
    const skipped = results.find((r) => r.status === "SKIPPED")!;
    assert.match(skipped.error!, /another reconciliation pass/);
  });

  it("is for admins and finance only, and validates the mode", async () => {
    const viewer = await tokenFor(call, admin, "recon-viewer", ["viewer"]);
    assert.equal((await call("GET", "/api/v1/reconciliation/runs", { token: viewer })).status, 403);
    assert.equal((await call("GET", "/api/v1/reconciliation/inconsistencies", { token: viewer })).status, 403);
    const bad = await call("POST", "/api/v1/reconciliation/runs", { token: admin, body: { mode: "everything" } });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.error.details.fields.map((f: any) => f.field),
      ["mode"],
    );
  });
});
