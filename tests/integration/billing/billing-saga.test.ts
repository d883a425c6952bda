import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { apiClient, startTestHost, type TestHost, loginAs } from "../../support/test-host.js";
import { eventually } from "../../support/eventually.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;

const UPDATE = "Z_UPDATE_PROJECT_DATA";
const REVERSE = "Z_REVERSE_BILLING";
const entry = (amount = "1250.50", description = "Milestone invoice", currency = "EUR") => ({
  amount,
  currency,
  billingDate: "2026-11-20",
  description,
});

/** The project's currency, which its entries must be in. */
async function currencyOf(projectId: string): Promise<string> {
  return (await call("GET", `/api/v1/projects/${projectId}`, { token: admin })).body.data.currency as string;
}

/** The saga's job lines the host logged: message, step, outcome, correlation id. */
function sagaLines(sagaId: string): unknown[][] {
  return host.logs
    .entries()
    .filter((l) => l.job_kind === "billing-saga" && l.job_id === sagaId)
    .map((l) => [l.message, l.job_step, l.outcome, l.correlation_id]);
}

/** `key: null` sends no Idempotency-Key. */
function post(projectId: string, body: unknown, key: string | null = randomUUID()) {
  return call("POST", `/api/v1/projects/${projectId}/billing`, {
    token: admin,
    body,
    ...(key ? { headers: { "idempotency-key": key } } : {}),
  });
}

async function saga(sagaId: string) {
  const r = await call("GET", `/api/v1/sagas/${sagaId}`, { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

async function billingOf(projectId: string): Promise<any[]> {
  return (await call("GET", `/api/v1/projects/${projectId}/billing?pageSize=100`, { token: admin })).body.data.items;
}

/** A real SQL failure, not a mock: SQLite refuses to activate billing entries while this trigger exists. */
async function failSqlActivation(on: boolean) {
  const db = host.platform.database.db;
  if (on)
    await sql`create trigger fail_activation before update on billing_entries begin select raise(abort, 'injected SQL failure'); end`.execute(
      db,
    );
  else await sql`drop trigger if exists fail_activation`.execute(db);
}

describe("billing writes through the SAGA", () => {
  before(async () => {
    host = await startTestHost({
      SAP_SIMULATOR_PROJECTS: "100",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
      SAP_RFC_TIMEOUT_MS: "1000",
    });
    call = apiClient(host.url);
    admin = await loginAs(call);
  });
  after(async () => host?.stop());

  it("posts to SAP and SQL, shows on the next read, and replays the same key without a second SAP call", async () => {
    const sap = host.platform.simulators.sap!;
    const project = (await call("GET", "/api/v1/projects/PRJ-000011", { token: admin })).body.data;
    const key = randomUUID();
    const body = {
      entries: [entry("1250.50"), { ...entry("-200.00", "Reallocation"), kind: "allocation", pep: "PRJ-000011.01" }],
    };
    const first = await post("PRJ-000011", body, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const { sagaId, entries, sapDocument } = first.body.data;
    assert.equal(entries.length, 2);
    assert.deepEqual(
      entries.map((e: any) => e.amount),
      ["1250.50", "-200.00"],
    );
    assert.ok(sapDocument);
    assert.deepEqual(sagaLines(sagaId), [
      ["Job started", "post", undefined, first.headers.get("x-correlation-id")],
      ["Job finished", "post", "succeeded", first.headers.get("x-correlation-id")],
    ]);

    const after = (await call("GET", "/api/v1/projects/PRJ-000011", { token: admin })).body.data;
    assert.equal(after.billing.recordedEntries, project.billing.recordedEntries + 2, "the next read shows the write");
    assert.ok((await billingOf("PRJ-000011")).some((e) => e.sagaId === sagaId));

    const s = await saga(sagaId);
    assert.equal(s.status, "SUCCESS");
    assert.equal(s.step, "COMPLETED");
    assert.equal(s.sqlStateAfter.entryCount, s.sqlStateBefore.entryCount + 2);
    assert.equal(sap.billing.postingsFor(sagaId)?.reversed, false);

    const updatesBefore = sap.recordedCalls(UPDATE).length;
    const replay = await post("PRJ-000011", body, key);
    assert.equal(replay.status, 201);
    assert.deepEqual(replay.body.data, first.body.data);
    assert.equal(sap.recordedCalls(UPDATE).length, updatesBefore, "no second SAP call");
    assert.equal(
      (await billingOf("PRJ-000011")).filter((e) => e.sagaId === sagaId).length,
      2,
      "nothing applied twice in SQL",
    );

    const other = await post("PRJ-000011", { entries: [entry("99.00")] }, key);
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, "CONFLICT");
  });

  it("requires an Idempotency-Key and validates every entry field", async () => {
    const missing = await post("PRJ-000012", { entries: [entry()] }, null);
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.body.error.details.fields.map((f: any) => f.field),
      ["Idempotency-Key"],
    );
    assert.match(missing.body.error.details.fields[0].message, /is required/);
    const short = await post("PRJ-000012", { entries: [entry()] }, "abc");
    assert.equal(short.status, 400);
    assert.equal(
      short.body.error.details.fields[0].message,
      "header must be 8-200 characters of A-Z a-z 0-9 . _ : - (got 3 characters)",
    );
    const bad = await post("PRJ-000012", {
      entries: [{ amount: 12.5, currency: "EURO", billingDate: "20.11.2026", description: "" }, { ...entry("1.005") }],
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.error.details.fields.map((f: any) => f.field).sort(),
      [
        "entries.0.amount",
        "entries.0.billingDate",
        "entries.0.currency",
        "entries.0.description",
        "entries.1.amount",
      ].sort(),
    );
    const unknownProject = await post("PRJ-099999", { entries: [entry()] });
    assert.equal(unknownProject.status, 404);
  });

  it("refuses an entry in another currency than the project's, and flags one stored before", async () => {
    const currency = await currencyOf("PRJ-000013");
    const other = currency === "USD" ? "EUR" : "USD";
    const refused = await post("PRJ-000013", { entries: [entry("10.00", "ok", currency), entry("5.00", "no", other)] });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.error.details.fields, [
      {
        field: "entries.1.currency",
        message: `must be ${currency}, the project's currency (got ${other})`,
        location: "body",
      },
    ]);

    const at = new Date().toISOString();
    await host.platform.database.db
      .insertInto("billing_entries")
      .values({
        entry_id: "legacy-foreign-1",
        project_id: "PRJ-000013",
        saga_id: null,
        kind: "billing",
        pep: null,
        amount_minor: "12345",
        currency: other,
        billing_date: "2026-01-15",
        description: "stored before the saga refused it",
        status: "ACTIVE",
        created_at: at,
        updated_at: at,
      })
      .execute();
    await host.platform.projects.invalidate("PRJ-000013");
    const flagged = (await call("GET", "/api/v1/projects/PRJ-000013", { token: admin })).body.data;
    assert.equal(flagged.validation.consistent, false);
    const issue = flagged.validation.issues.find((i: { code: string }) => i.code === "BILLING_CURRENCY_MISMATCH");
    assert.equal(
      issue?.message,
      `Billing entries of 123.45 ${other} are not in the project currency ${currency} and are not in the total`,
    );
  });

  it("rolls the SQL side back when SAP refuses the posting (ROLLED_BACK)", async () => {
    const sap = host.platform.simulators.sap!;
    const before = await billingOf("PRJ-000013");
    sap.setControls({ failFunctions: [UPDATE] });
    try {
      const r = await post("PRJ-000013", { entries: [entry()] });
      assert.equal(r.status, 503);
      const sagaId = r.body.error.details.saga_id;
      const s = await saga(sagaId);
      assert.equal(s.status, "ROLLED_BACK");
      assert.match(s.error, /SAP refused/);
      assert.deepEqual(sagaLines(sagaId).at(-1)?.slice(0, 3), ["Job finished", "post", "refused"]);
      assert.deepEqual(await billingOf("PRJ-000013"), before);
      assert.equal(sap.billing.postingsFor(sagaId), undefined);
      const listed = await call("GET", "/api/v1/sagas?status=ROLLED_BACK&projectId=PRJ-000013", { token: admin });
      assert.ok(listed.body.data.items.some((x: any) => x.sagaId === sagaId));
    } finally {
      sap.setControls({ failFunctions: [] });
    }
  });

  it("compensates SAP when the SQL step fails after SAP posted", async () => {
    const sap = host.platform.simulators.sap!;
    const before = await billingOf("PRJ-000014");
    await failSqlActivation(true);
    try {
      const r = await post("PRJ-000014", { entries: [entry(undefined, undefined, await currencyOf("PRJ-000014"))] });
      assert.equal(r.status, 503);
      const sagaId = r.body.error.details.saga_id;
      const s = await saga(sagaId);
      assert.equal(s.status, "ROLLED_BACK");
      assert.equal(s.step, "COMPENSATED");
      assert.ok(s.sapResult.document, "SAP had posted");
      assert.equal(sap.billing.postingsFor(sagaId)?.reversed, true, "and was reversed");
      assert.equal(sap.recordedCalls(REVERSE).filter((c) => c.parameters.IV_REFERENCE === sagaId).length, 1);
    } finally {
      await failSqlActivation(false);
    }
    assert.deepEqual(await billingOf("PRJ-000014"), before);
  });

  it("leaves a failed compensation COMPENSATION_FAILED, alerts, and the recovery timer finishes it", async () => {
    const sap = host.platform.simulators.sap!;
    await failSqlActivation(true);
    sap.setControls({ failFunctions: [REVERSE] });
    let sagaId: string;
    try {
      const r = await post("PRJ-000015", { entries: [entry(undefined, undefined, await currencyOf("PRJ-000015"))] });
      assert.equal(r.status, 503);
      sagaId = r.body.error.details.saga_id;
      assert.equal((await saga(sagaId)).status, "COMPENSATION_FAILED");
      const metrics = (await call("GET", "/api/metrics", { token: admin })).body as string;
      assert.match(metrics, /alerts_raised_total\{source="billing-saga",severity="critical"\} 1/);
      assert.equal(sap.billing.postingsFor(sagaId)?.reversed, false);
    } finally {
      sap.setControls({ failFunctions: [] });
      await failSqlActivation(false);
    }
    // The failed reversals may have opened SAP's circuit; recovery asks SAP, so it runs once
    // the probe has closed it again, as the every-minute timer would.
    await eventually("SAP to be available again", async () => {
      const ready = await call("GET", "/api/health/ready");
      const sapCheck = ready.body.data?.dependencies?.find((d: { name: string }) => d.name === "sap");
      return sapCheck?.status === "up";
    });
    await host.timers.run("saga-recovery");
    const s = await saga(sagaId);
    assert.equal(s.status, "ROLLED_BACK");
    assert.equal(sap.billing.postingsFor(sagaId)?.reversed, true);
    assert.ok(!(await billingOf("PRJ-000015")).some((e) => e.sagaId === sagaId));
  });

  it("holds a write whose SAP answer was lost, then settles it from what SAP holds", async () => {
    const sap = host.platform.simulators.sap!;
    assert.equal(
      (await call("GET", "/api/v1/projects/PRJ-000016", { token: admin })).status,
      200,
      "cached before SAP slows down",
    );
    // SAP posts, then its answer arrives after the call's deadline.
    sap.setControls({ latencyMs: 20_000 });
    const key = randomUUID();
    const body = { entries: [entry("75.25")] };
    let sagaId: string;
    try {
      const slow = await post("PRJ-000016", body, key);
      assert.equal(slow.status, 503, JSON.stringify(slow.body));
      assert.equal(slow.body.error.code, "SAP_UNAVAILABLE");
      assert.equal(slow.body.error.details.status, "IN_PROGRESS", JSON.stringify(slow.body));
      sagaId = slow.body.error.details.saga_id;
    } finally {
      sap.setControls({ latencyMs: 0 });
    }
    assert.equal((await saga(sagaId)).status, "IN_PROGRESS");
    assert.equal(sap.billing.postingsFor(sagaId)?.reversed, false, "SAP did post");
    const meanwhile = await post("PRJ-000016", body, key);
    assert.equal(meanwhile.status, 409, "the same key waits for the outcome");

    await host.timers.run("saga-recovery");
    const s = await saga(sagaId);
    assert.equal(s.status, "SUCCESS");
    assert.equal((await billingOf("PRJ-000016")).filter((e) => e.sagaId === sagaId).length, 1);
    assert.equal(
      sap.recordedCalls(UPDATE).filter((c) => c.parameters.IV_REFERENCE === sagaId).length,
      1,
      "recovery did not post again",
    );
    const settled = await post("PRJ-000016", body, key);
    assert.equal(settled.status, 201, "the same key now answers with the outcome");
    assert.equal(settled.body.data.sagaId, sagaId);
  });

  it("recovers sagas a crash left before SAP was called: FAILED at STARTED, ROLLED_BACK at SQL_APPLIED", async () => {
    const db = host.platform.database.db;
    const past = new Date(Date.now() - 60_000).toISOString();
    const crashed = async (step: "STARTED" | "SQL_APPLIED") => {
      const sagaId = randomUUID();
      await db
        .insertInto("saga_transactions")
        .values({
          saga_id: sagaId,
          project_id: "PRJ-000017",
          operation_type: "BILLING_POST",
          step,
          status: "IN_PROGRESS",
          sql_state_before: null,
          sql_state_after: null,
          sap_result: null,
          error: null,
          idempotency_key: `crash:${sagaId}`,
          request_hash: "x",
          request_json: "{}",
          response_json: null,
          created_by: null,
          attempts: 1,
          claimed_until: past,
          created_at: past,
          updated_at: past,
        })
        .execute();
      if (step === "SQL_APPLIED") {
        await db
          .insertInto("billing_entries")
          .values({
            entry_id: `${sagaId}-1`,
            project_id: "PRJ-000017",
            saga_id: sagaId,
            kind: "billing",
            pep: null,
            amount_minor: "100",
            currency: "EUR",
            billing_date: "2026-11-20",
            description: "crashed",
            status: "PENDING",
            created_at: past,
            updated_at: past,
          })
          .execute();
      }
      return sagaId;
    };
    const started = await crashed("STARTED");
    const applied = await crashed("SQL_APPLIED");
    await host.timers.run("saga-recovery");
    assert.equal((await saga(started)).status, "FAILED");
    const rolledBack = await saga(applied);
    assert.equal(rolledBack.status, "ROLLED_BACK");
    assert.match(rolledBack.error, /SAP holds no posting/);
    const left = await db.selectFrom("billing_entries").select("entry_id").where("saga_id", "=", applied).execute();
    assert.deepEqual(left, [], "the pending SQL step is undone");
  });
});
