import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../support/manual-clock.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

const clock = new ManualClock("2026-03-02T08:00:00Z");
let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let finance: string;
let password: string;

const budgetCsv = (engineering: string, sales: string) =>
  Buffer.from(
    [
      "Department,Sub Category,Fiscal Period,Budget Amount,Currency",
      `Engineering,Software,2026-04,${engineering},EUR`,
      `Sales,Travel,2026-04,${sales},EUR`,
    ].join("\r\n"),
  );

async function analyzeAndImport(bytes: Buffer, fileName: string) {
  const form = new FormData();
  form.append("customerId", "acme");
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/csv" }), fileName);
  const analyzed = await fetch(`${host.url}/api/v1/excel/analyze`, {
    method: "POST",
    headers: { authorization: `Bearer ${finance}` },
    body: form,
  });
  const a = (await analyzed.json()).data;
  const imported = await call("POST", "/api/v1/excel/import", {
    token: finance,
    body: {
      customerId: "acme",
      fileId: a.fileId,
      mappings: a.mappings.map((m: any) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField })),
    },
  });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  return imported.body.data;
}

/** Drops a file into the simulator's folder and runs the poll timer as the host would, a minute later. */
async function dropAndPoll(name: string, bytes: Buffer | null) {
  if (bytes) writeFileSync(join(host.simulators.budgetSftp!.root, name), bytes);
  clock.advance(60_000);
  await host.timers.run("budget-sources-poll");
}

const sftpSource = (customerId: string, fingerprint: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  name: `${customerId} budgets over SFTP`,
  sourceType: "sftp",
  schedule: "* * * * *",
  config: {
    host: host.simulators.budgetSftp!.host,
    port: host.simulators.budgetSftp!.port,
    username: "budgets",
    folder: "/",
    pattern: "*.csv",
    hostKeyFingerprint: fingerprint,
  },
  secretRefs: { password: "budgets-sftp-simulator-password" },
  ...extra,
});

const alerts = (title: string) => host.logs.lines.filter((l) => l.includes(`ALERT ${title}`));

describe("budget sources: SFTP poll into learned-mapping imports", () => {
  let sourceId: string;

  before(async () => {
    host = await startTestHost(
      { ENABLED_SYSTEMS: "identity,budgets", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "10000" },
      { queuePollMs: 50, timers: false, clock },
    );
    password = (await host.platform.secrets.findSecret("budgets-sftp-simulator-password"))!;
    assert.ok(password && password.length > 10);
    call = apiClient(host.url);
    admin = await loginAs(call);
    finance = await tokenFor(call, admin, "fpa-sources", ["finance"]);
    const me = (await call("GET", "/api/v1/auth/me", { token: finance })).body.data;
    const db = host.platform.database.db;
    const now = clock.now().toISOString();
    await db
      .insertInto("customers")
      .values([
        { customer_id: "acme", name: "ACME", created_at: now },
        { customer_id: "globex", name: "Globex", created_at: now },
      ])
      .execute();
    await db
      .insertInto("customer_users")
      .values({ customer_id: "acme", user_id: me.id ?? me.user_id, created_at: now })
      .execute();
  });

  after(async () => host?.stop());

  it("refuses an SFTP source without a pinned host key or with a bad schedule, naming the field", async () => {
    const r = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: sftpSource("acme", "SHA256:x"),
    });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body.error.details), /hostKeyFingerprint/);
    const badSchedule = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: sftpSource("acme", host.simulators.budgetSftp!.fingerprint, { schedule: "99 * * * *" }),
    });
    assert.equal(badSchedule.status, 400, JSON.stringify(badSchedule.body));
    assert.match(JSON.stringify(badSchedule.body.error.details), /"schedule"/);
    const unpinned = sftpSource("acme", "");
    (unpinned.config as any).hostKeyFingerprint = null;
    const r2 = await call("POST", "/api/v1/budget/sources", { token: admin, body: unpinned });
    assert.equal(r2.status, 400, JSON.stringify(r2.body));
    assert.match(JSON.stringify(r2.body.error.details), /hostKeyFingerprint/);
    // A Google Sheet signs in with an API key or a service account's JSON key: one of them.
    const sheet = (secretRefs: Record<string, string>) =>
      call("POST", "/api/v1/budget/sources", {
        token: admin,
        body: {
          customerId: "acme",
          name: "acme budget sheet",
          sourceType: "sheets",
          schedule: "0 6 * * *",
          config: { spreadsheetId: "1AbCdEfGhIjKlMnOp", range: "Budget!A1:F500" },
          secretRefs,
        },
      });
    const both = { apiKey: "acme-sheets-key", serviceAccountKey: "acme-sheets-sa" };
    for (const refs of [{}, both] as Record<string, string>[]) {
      const refused = await sheet(refs);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(JSON.stringify(refused.body.error.details), /secretRefs/);
    }
    const byServiceAccount = await sheet({ serviceAccountKey: "acme-sheets-sa" });
    assert.equal(byServiceAccount.status, 201, JSON.stringify(byServiceAccount.body));
    assert.deepEqual(byServiceAccount.body.data.secretRefs, { serviceAccountKey: "acme-sheets-sa" });
    const deleted = await call("DELETE", `/api/v1/budget/sources/${byServiceAccount.body.data.sourceId}`, {
      token: admin,
    });
    assert.ok(deleted.status === 200 || deleted.status === 204, JSON.stringify(deleted.body));
    const byFinance = await call("POST", "/api/v1/budget/sources", {
      token: finance,
      body: sftpSource("acme", host.simulators.budgetSftp!.fingerprint),
    });
    assert.equal(byFinance.status, 403);
  });

  it("imports a dropped budget file with the learned mapping, once", async () => {
    // One import through the API first, so the mapping of this header shape is learned.
    const first = await analyzeAndImport(budgetCsv("1000.00", "500.00"), "budget-march.csv");
    assert.equal(first.status, "completed");

    const created = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: sftpSource("acme", host.simulators.budgetSftp!.fingerprint),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    sourceId = created.body.data.sourceId;
    assert.deepEqual(created.body.data.secretRefs, { password: "budgets-sftp-simulator-password" });

    await dropAndPoll("budget-april.csv", budgetCsv("1200.00", "500.00"));
    const files = (await call("GET", `/api/v1/budget/sources/${sourceId}/files`, { token: finance })).body.data.items;
    assert.equal(files.length, 1, JSON.stringify(files));
    assert.equal(files[0].status, "imported", JSON.stringify(files[0]));
    assert.equal(files[0].remotePath, "/budget-april.csv");
    // A re-import waits for approval like any other; its mapping was the learned one, so it staged cleanly.
    const staged = (await call("GET", `/api/v1/imports/${files[0].importId}?customerId=acme`, { token: finance })).body
      .data;
    assert.equal(staged.status, "awaiting_approval", JSON.stringify(staged));
    assert.equal(staged.stats.errorRows, 0);
    assert.deepEqual(staged.diffSummary, { added: 0, changed: 1, removed: 0, unchanged: 1 });
    const diff = await call("GET", `/api/v1/imports/${files[0].importId}/diff?customerId=acme`, { token: finance });
    assert.equal(diff.status, 200, JSON.stringify(diff.body));
    assert.deepEqual(
      diff.body.data.changed.map((c: any) => [c.department, c.oldAmount, c.amount]),
      [["Engineering", "1000.00", "1200.00"]],
    );
    const unchanged = await host.platform.database.db
      .selectFrom("budgets")
      .select("budgeted_minor")
      .where("customer_id", "=", "acme")
      .where("department", "=", "Engineering")
      .executeTakeFirstOrThrow();
    assert.equal(String(unchanged.budgeted_minor), "100000", "nothing changes before the commit");
    // The history names the data source, not just the file's format.
    const history = (await call("GET", "/api/v1/imports/history?customerId=acme", { token: finance })).body.data;
    const polled = history.imports.find((i: any) => i.importId === files[0].importId);
    assert.deepEqual(
      [polled.sourceType, polled.sourceId, polled.sourceName, polled.status],
      ["sftp", sourceId, "acme budgets over SFTP", "awaiting_approval"],
    );
    const uploaded = history.imports.find((i: any) => i.importId === first.importId);
    assert.deepEqual([uploaded.sourceType, uploaded.sourceId, uploaded.sourceName], ["csv", null, null]);
    const committed = await call("POST", `/api/v1/imports/${files[0].importId}/commit`, {
      token: finance,
      body: { customerId: "acme" },
    });
    assert.equal(committed.status, 200, JSON.stringify(committed.body));
    const engineering = await host.platform.database.db
      .selectFrom("budgets")
      .select("budgeted_minor")
      .where("customer_id", "=", "acme")
      .where("department", "=", "Engineering")
      .executeTakeFirstOrThrow();
    assert.equal(String(engineering.budgeted_minor), "120000");

    // The same file at the next poll, and the same bytes under another name: nothing imported again.
    const importsBefore = (await call("GET", "/api/v1/imports/history?customerId=acme", { token: finance })).body.data;
    await dropAndPoll("copy-of-april.csv", budgetCsv("1200.00", "500.00"));
    await dropAndPoll("none", null);
    const after = (await call("GET", `/api/v1/budget/sources/${sourceId}/files`, { token: finance })).body.data.items;
    assert.deepEqual(after.map((f: any) => [f.remotePath, f.status]).sort(), [
      ["/budget-april.csv", "imported"],
      ["/copy-of-april.csv", "duplicate"],
    ]);
    const importsAfter = (await call("GET", "/api/v1/imports/history?customerId=acme", { token: finance })).body.data;
    assert.equal(
      JSON.stringify(importsAfter.pagination ?? importsAfter.total),
      JSON.stringify(importsBefore.pagination ?? importsBefore.total),
    );
    const source = (await call("GET", `/api/v1/budget/sources/${sourceId}`, { token: finance })).body.data;
    assert.equal(source.lastStatus, "ok");
  });

  it("reads a Google Sheet as a service account (the local fake verifies the signed assertion)", async () => {
    const sheets = host.simulators.budgetSheets!;
    sheets.setSheet("1AcmeBudgetSheet01", [
      ["Department", "Sub Category", "Fiscal Period", "Budget Amount", "Currency"],
      ["Engineering", "Software", "2026-04", "1300.00", "EUR"],
      ["Sales", "Travel", "2026-04", "500.00", "EUR"],
    ]);
    const local = (await call("GET", "/api/local/simulators/budget-sheets", { token: admin })).body.data;
    const created = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: {
        customerId: "acme",
        name: "acme FP&A sheet",
        sourceType: "sheets",
        schedule: "* * * * *",
        config: { spreadsheetId: "1AcmeBudgetSheet01", range: "Budget!A1:E3" },
        secretRefs: { serviceAccountKey: local.serviceAccountKeySecret },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sheetSource = created.body.data.sourceId;
    await dropAndPoll("none", null);
    const files = (await call("GET", `/api/v1/budget/sources/${sheetSource}/files`, { token: finance })).body.data
      .items;
    assert.equal(files.length, 1, JSON.stringify(files));
    assert.equal(files[0].status, "imported", JSON.stringify(files[0]));
    const history = (await call("GET", "/api/v1/imports/history?customerId=acme", { token: finance })).body.data;
    const polled = history.imports.find((i: any) => i.importId === files[0].importId);
    assert.deepEqual(
      [polled.sourceType, polled.sourceId, polled.status, polled.diffSummary.changed],
      ["sheets", sheetSource, "awaiting_approval", 1],
    );
    assert.deepEqual(sheets.stats, { tokensIssued: 1, assertionsRefused: 0, valuesRead: 1 });
    // The next poll reuses the token (and finds the same sheet: nothing new).
    await dropAndPoll("none", null);
    assert.deepEqual(sheets.stats, { tokensIssued: 1, assertionsRefused: 0, valuesRead: 2 });
    await call("DELETE", `/api/v1/budget/sources/${sheetSource}`, { token: admin });
  });

  it("holds a payroll file and a file without a learned mapping, with an alert", async () => {
    await dropAndPoll(
      "payroll.csv",
      Buffer.from("Employee Name,Employee ID,SSN,Gross Salary,Department\r\nJane Doe,E1,123-45-6789,5000.00,Sales\r\n"),
    );
    await dropAndPoll(
      "other-shape.csv",
      Buffer.from("Cost Centre Name,Year Month,Plan EUR\r\nMarketing,2026-05,700.00\r\nLegal,2026-05,300.00\r\n"),
    );
    const files = (await call("GET", `/api/v1/budget/sources/${sourceId}/files`, { token: finance })).body.data.items;
    const payroll = files.find((f: any) => f.remotePath === "/payroll.csv");
    assert.equal(payroll.status, "held", JSON.stringify(payroll));
    assert.equal(payroll.likelyType, "payroll");
    assert.equal(payroll.importId, null);
    const other = files.find((f: any) => f.remotePath === "/other-shape.csv");
    assert.equal(other.status, "held", JSON.stringify(other));
    assert.match(other.reason, /mapping/);
    assert.equal(alerts("Budget file held for review").length, 2);
    const source = (await call("GET", `/api/v1/budget/sources/${sourceId}`, { token: finance })).body.data;
    assert.equal(source.heldFiles, 2);
  });

  it("alerts once when SFTP fails more than three times in an hour", async () => {
    // A host key other than the server's: every poll is refused before the password is sent.
    const wrongKey = `SHA256:${"A".repeat(43)}`;
    const created = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: sftpSource("acme", wrongKey, { name: "misconfigured" }),
    });
    assert.equal(created.status, 201);
    const refusedBefore = host.simulators.budgetSftp!.refusedLogins;
    for (let i = 0; i < 5; i++) await dropAndPoll("none", null);
    const source = (await call("GET", `/api/v1/budget/sources/${created.body.data.sourceId}`, { token: admin })).body
      .data;
    assert.equal(source.lastStatus, "failed");
    assert.match(source.lastError, /host key/);
    assert.equal(alerts("Budget source SFTP failing").length, 1);
    assert.equal(host.simulators.budgetSftp!.refusedLogins, refusedBefore);
    await call("DELETE", `/api/v1/budget/sources/${created.body.data.sourceId}`, { token: admin });
  });

  it("answers 404 for another customer's source, and never shows a credential", async () => {
    const globex = await call("POST", "/api/v1/budget/sources", {
      token: admin,
      body: sftpSource("globex", host.simulators.budgetSftp!.fingerprint, { enabled: false }),
    });
    assert.equal(globex.status, 201);
    const id = globex.body.data.sourceId;
    for (const path of [`/api/v1/budget/sources/${id}`, `/api/v1/budget/sources/${id}/files`]) {
      const r = await call("GET", path, { token: finance });
      assert.equal(r.status, 404, path);
    }
    assert.equal((await call("GET", "/api/v1/budget/sources?customerId=globex", { token: finance })).status, 404);
    const listed = await call("GET", "/api/v1/budget/sources?customerId=acme", { token: finance });
    assert.equal(listed.status, 200);
    assert.ok(listed.body.data.items.every((s: any) => s.customerId === "acme"));
    assert.ok(!JSON.stringify(listed.body).includes(password));
    assert.ok(
      !JSON.stringify((await call("GET", `/api/v1/budget/sources/${id}`, { token: admin })).body).includes(password),
    );
    assert.ok(!host.logs.lines.some((l) => l.includes(password)));
    const stored = await host.platform.database.db.selectFrom("budget_sources").selectAll().execute();
    assert.ok(!JSON.stringify(stored).includes(password));
  });
});
