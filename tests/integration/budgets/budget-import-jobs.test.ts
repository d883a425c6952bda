import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../../support/eventually.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let finance: string;

const LINES = 3_000;
const MAPPINGS = [
  { sourceColumn: "Department", targetField: "department" },
  { sourceColumn: "Category", targetField: "subCategory" },
  { sourceColumn: "Period", targetField: "fiscalPeriod" },
  { sourceColumn: "Amount", targetField: "budgetedAmount" },
  { sourceColumn: "Currency", targetField: "currency" },
];

/** A budget file of `lines` rows, far over the queued-import threshold this host sets. */
function budgetCsv(lines: number, amount = (i: number) => `${1000 + i}.50`): Buffer {
  const rows = ["Department,Category,Period,Amount,Currency"];
  for (let i = 0; i < lines; i++) rows.push(`Dept ${i % 50},Cat ${Math.floor(i / 50)},2026-01,${amount(i)},EUR`);
  return Buffer.from(rows.join("\n"));
}

async function analyze(bytes: Buffer, customer: string) {
  const form = new FormData();
  form.append("customerId", customer);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/csv" }), "budget.csv");
  const r = await fetch(`${host.url}/api/v1/excel/analyze`, {
    method: "POST",
    headers: { authorization: `Bearer ${finance}` },
    body: form,
  });
  assert.equal(r.status, 200);
  return ((await r.json()) as { data: { fileId: string; totalRows: number } }).data;
}

async function finished(statusUrl: string) {
  return eventually(
    "the queued import to finish",
    async () => {
      const view = (await call("GET", statusUrl, { token: finance })).body.data;
      return view.status !== "queued" && view.status !== "processing" ? view : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function lineCount(customer: string) {
  const row = await host.platform.database.db
    .selectFrom("budgets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", customer)
    .where("removed_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("budget imports: large files as queued jobs, small tables inline", () => {
  before(async () => {
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        BUDGETS_QUEUED_IMPORT_MIN_BYTES: "4096",
        BUDGETS_INLINE_MAX_ROWS: "5",
      },
      { queuePollMs: 50, timers: false },
    );
    call = apiClient(host.url);
    const admin = await loginAs(call);
    finance = await tokenFor(call, admin, "fpa-jobs", ["finance"]);
    const me = (await call("GET", "/api/v1/auth/me", { token: finance })).body.data;
    const db = host.platform.database.db;
    const now = new Date().toISOString();
    for (const customer of ["initech", "umbrella", "hooli"]) {
      await db.insertInto("customers").values({ customer_id: customer, name: customer, created_at: now }).execute();
      await db
        .insertInto("customer_users")
        .values({ customer_id: customer, user_id: me.id ?? me.user_id, created_at: now })
        .execute();
    }
  });

  after(async () => host?.stop());

  it("answers 202 with a status link, shows progress there and commits every line once", async () => {
    const file = await analyze(budgetCsv(LINES), "initech");
    assert.equal(file.totalRows, LINES);
    const r = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "initech", fileId: file.fileId, mappings: MAPPINGS },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const queued = r.body.data;
    assert.equal(queued.status, "queued");
    assert.equal(queued.statusUrl, `/api/v1/imports/${queued.importId}?customerId=initech`);
    assert.equal(r.headers.get("location"), queued.statusUrl);
    assert.equal(queued.progress.totalRows, LINES);

    const done = await finished(queued.statusUrl);
    assert.equal(done.status, "completed", JSON.stringify(done));
    assert.deepEqual(done.progress, { rowsRead: LINES, rowsStaged: LINES, totalRows: LINES, percent: 100 });
    assert.deepEqual(done.stats, { totalRows: LINES, successRows: LINES, errorRows: 0 });
    assert.equal(done.imported, LINES);
    assert.equal(await lineCount("initech"), LINES);

    // The same message delivered again (Service Bus at-least-once): nothing is imported twice.
    const before = await host.platform.database.db
      .selectFrom("budgets")
      .select(["budget_id", "updated_at"])
      .where("customer_id", "=", "initech")
      .orderBy("budget_id")
      .execute();
    await host.platform.queue.send("budget-imports", {
      messageId: `${queued.importId}:again`,
      body: { importId: queued.importId },
    });
    await eventually("the redelivered message to be handled", () =>
      host.logs
        .entries()
        .some((e) => e.message === "Job finished" && e.job_id === queued.importId && e.outcome === "succeeded")
        ? host.logs
            .entries()
            .filter((e) => e.message === "Job finished" && e.job_id === queued.importId && e.outcome === "succeeded")
            .length >= 2
        : false,
    );
    const afterRedelivery = await host.platform.database.db
      .selectFrom("budgets")
      .select(["budget_id", "updated_at"])
      .where("customer_id", "=", "initech")
      .orderBy("budget_id")
      .execute();
    assert.deepEqual(afterRedelivery, before);
    const again = (await call("GET", queued.statusUrl, { token: finance })).body.data;
    assert.equal(again.status, "completed");
    assert.equal(again.completedAt, done.completedAt);
  });

  it("a delivery that died mid-staging leaves the budget untouched; the next one stages afresh", async () => {
    const first = await analyze(budgetCsv(LINES), "umbrella");
    const r1 = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "umbrella", fileId: first.fileId, mappings: MAPPINGS },
    });
    assert.equal((await finished(r1.body.data.statusUrl)).status, "completed");
    const budgetBefore = await host.platform.database.db
      .selectFrom("budgets")
      .selectAll()
      .where("customer_id", "=", "umbrella")
      .orderBy("budget_id")
      .execute();

    // A re-import whose worker died after staging a batch: its row is still processing,
    // a stray staged line (a duplicate of a real one) is left behind.
    const second = await analyze(
      budgetCsv(LINES, (i) => (i < 10 ? "1.00" : `${1000 + i}.50`)),
      "umbrella",
    );
    const db = host.platform.database.db;
    const importId = "7f1d6a52-1111-4c3e-9a55-0a9f3c2b1e01";
    const now = new Date().toISOString();
    await db
      .insertInto("budget_imports")
      .values({
        import_id: importId,
        customer_id: "umbrella",
        user_id: null,
        file_id: second.fileId,
        file_name: "budget.csv",
        source_type: "csv",
        status: "processing",
        mapping_json: JSON.stringify(MAPPINGS),
        header_key: null,
        total_rows: 0,
        success_rows: 0,
        error_rows: 0,
        diff_json: null,
        error_message: null,
        created_at: now,
        completed_at: null,
        committed_by: null,
        dry_run: 0,
        attempts: 1,
        rows_read: 2000,
        rows_staged: 2000,
        started_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto("budget_import_lines")
      .values({
        import_id: importId,
        line_key: "stray",
        department: "Dept 0",
        sub_category: "Cat 0",
        fiscal_period: "2026-01",
        cost_center: "",
        currency: "EUR",
        amount_minor: "1",
        row_number: 2,
        budget_id: "00000000-0000-4000-8000-000000000000",
      })
      .execute();
    const statusUrl = `/api/v1/imports/${importId}?customerId=umbrella`;
    const dead = (await call("GET", statusUrl, { token: finance })).body.data;
    assert.equal(dead.status, "processing");
    assert.equal(dead.progress.percent, Math.floor((2000 * 100) / LINES));

    // Its message comes back once the lock has run out.
    await host.platform.queue.send("budget-imports", { messageId: importId, body: { importId } });
    const done = await finished(statusUrl);
    assert.equal(done.status, "awaiting_approval", JSON.stringify(done));
    assert.deepEqual(done.diffSummary, { added: 0, changed: 10, removed: 0, unchanged: LINES - 10 });
    assert.equal(done.progress.rowsStaged, LINES);
    const budgetAfter = await db
      .selectFrom("budgets")
      .selectAll()
      .where("customer_id", "=", "umbrella")
      .orderBy("budget_id")
      .execute();
    assert.deepEqual(budgetAfter, budgetBefore, "nothing changes before the diff is approved");

    const committed = await call("POST", `/api/v1/imports/${importId}/commit`, {
      token: finance,
      body: { customerId: "umbrella" },
    });
    assert.equal(committed.status, 200, JSON.stringify(committed.body));
    const changed = await db
      .selectFrom("budgets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("customer_id", "=", "umbrella")
      .where("budgeted_minor", "=", "100")
      .executeTakeFirstOrThrow();
    assert.equal(Number(changed.n), 10);
    assert.equal(await lineCount("umbrella"), LINES);
  });

  it("the sweep ends an import its last delivery left processing, and leaves a live one alone", async () => {
    const file = await analyze(budgetCsv(LINES), "hooli");
    const db = host.platform.database.db;
    const budgetBefore = await lineCount("hooli");
    const row = (importId: string, updatedAt: string) => ({
      import_id: importId,
      customer_id: "hooli",
      user_id: null,
      file_id: file.fileId,
      file_name: "budget.csv",
      source_type: "csv",
      status: "processing" as const,
      mapping_json: JSON.stringify(MAPPINGS),
      header_key: null,
      total_rows: 0,
      success_rows: 0,
      error_rows: 0,
      diff_json: null,
      error_message: null,
      created_at: updatedAt,
      completed_at: null,
      committed_by: null,
      dry_run: 0,
      attempts: 5,
      rows_read: 2000,
      rows_staged: 2000,
      started_at: updatedAt,
      updated_at: updatedAt,
    });
    const deadId = "7f1d6a52-2222-4c3e-9a55-0a9f3c2b1e02";
    const liveId = "7f1d6a52-3333-4c3e-9a55-0a9f3c2b1e03";
    const now = host.platform.clock.now().getTime();
    await db
      .insertInto("budget_imports")
      .values([row(deadId, new Date(now - 3_600_000).toISOString()), row(liveId, new Date(now).toISOString())])
      .execute();

    assert.equal(await host.platform.budgetImports.failStaleImports(1_800_000), 1);
    const dead = (await call("GET", `/api/v1/imports/${deadId}?customerId=hooli`, { token: finance })).body.data;
    assert.equal(dead.status, "failed");
    const stored = await db
      .selectFrom("budget_imports")
      .select("error_message")
      .where("import_id", "=", deadId)
      .executeTakeFirstOrThrow();
    assert.match(stored.error_message ?? "", /stopped without finishing/);
    const live = (await call("GET", `/api/v1/imports/${liveId}?customerId=hooli`, { token: finance })).body.data;
    assert.equal(live.status, "processing", "progress within the stale time: its worker may still be running");
    assert.equal(await lineCount("hooli"), budgetBefore, "the budget is untouched");
    await db.deleteFrom("budget_imports").where("import_id", "=", liveId).execute();
  });

  it("imports a small table sent inline, with the same row checks, and refuses one past the cap with 413", async () => {
    const header = ["Department", "Category", "Period", "Amount", "Currency"];
    const bad = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: {
        customerId: "hooli",
        mappings: MAPPINGS,
        rows: [header, ["Sales", "Travel", "2026-01", "12.345,50", "EUR"], ["", "Travel", "2026-02", 10, "EUR"]],
      },
    });
    assert.equal(bad.status, 201, JSON.stringify(bad.body));
    assert.equal(bad.body.data.status, "failed");
    assert.deepEqual(
      bad.body.data.errors.map((e: any) => [e.rowNumber, e.column]),
      [[3, "Department"]],
    );
    assert.equal(await lineCount("hooli"), 0);

    const good = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: {
        customerId: "hooli",
        mappings: MAPPINGS,
        rows: [header, ["Sales", "Travel", "2026-01", "12.345,50", "EUR"], ["R&D", null, "2026-02", 10, "EUR"]],
      },
    });
    assert.equal(good.status, 201, JSON.stringify(good.body));
    assert.equal(good.body.data.status, "completed");
    assert.equal(good.body.data.imported, 2);
    const lines = await host.platform.database.db
      .selectFrom("budgets")
      .select(["department", "budgeted_minor"])
      .where("customer_id", "=", "hooli")
      .orderBy("department")
      .execute();
    assert.deepEqual(
      lines.map((l) => [l.department, String(l.budgeted_minor)]),
      [
        ["R&D", "1000"],
        ["Sales", "1234550"],
      ],
    );

    const tooMany = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: {
        customerId: "hooli",
        mappings: MAPPINGS,
        rows: [header, ...Array.from({ length: 6 }, (_, i) => [`D${i}`, "", "2026-01", "1", "EUR"])],
      },
    });
    assert.equal(tooMany.status, 413);
    assert.match(tooMany.body.error.message, /BUDGETS_INLINE_MAX_ROWS/);

    const both = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "hooli", mappings: MAPPINGS, rows: [header, ["a"]], fileId: crypto.randomUUID() },
    });
    assert.equal(both.status, 400);
  });
});
