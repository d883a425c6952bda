import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import iconv from "iconv-lite";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let finance: string;
let admin: string;

/** A Spanish budget export: title rows, Latin-1, CR-only line endings, thousands separators. */
const spanishBudget = (amounts: readonly string[] = ["12.500,00", "8.000,50", "(1.200,00)"]) =>
  iconv.encode(
    [
      "Presupuesto 2025 - ACME España",
      "",
      "Departamento;Subcategoría;Período;Monto aprobado;Moneda",
      `Ingeniería;Software;2025-01;"${amounts[0]}";EUR`,
      `Ventas;Viajes;2025-01;"${amounts[1]}";EUR`,
      `Márketing;Eventos;2025-02;"${amounts[2]}";EUR`,
    ].join("\r"),
    "latin1",
  );

async function analyze(bytes: Buffer, fileName: string, customer = "acme", token = finance) {
  const form = new FormData();
  form.append("customerId", customer);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/csv" }), fileName);
  const r = await fetch(`${host.url}/api/v1/excel/analyze`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: r.status, body: await r.json() };
}

function confirmed(analysis: any) {
  return analysis.mappings.map((m: any) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField }));
}

async function budgetLines(customer = "acme") {
  return host.platform.database.db
    .selectFrom("budgets")
    .select(["department", "fiscal_period", "budgeted_minor", "removed_at"])
    .where("customer_id", "=", customer)
    .orderBy("department")
    .execute();
}

describe("budget files: analyze, import, diff and commit", () => {
  before(async () => {
    host = await startTestHost(
      { ENABLED_SYSTEMS: "identity,budgets", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "10000" },
      { queuePollMs: 50, timers: false },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    finance = await tokenFor(call, admin, "fpa-analyst", ["finance"]);
    const financeUser = (await call("GET", "/api/v1/auth/me", { token: finance })).body.data;
    const db = host.platform.database.db;
    const now = new Date().toISOString();
    await db
      .insertInto("customers")
      .values([
        { customer_id: "acme", name: "ACME", created_at: now },
        { customer_id: "globex", name: "Globex", created_at: now },
      ])
      .execute();
    await db
      .insertInto("customer_users")
      .values({ customer_id: "acme", user_id: financeUser.id ?? financeUser.user_id, created_at: now })
      .execute();
  });

  after(async () => host?.stop());

  it("maps a messy Spanish file, imports it all or nothing, and remembers the mapping", async () => {
    const first = await analyze(spanishBudget(), "presupuesto.csv");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const a = first.body.data;
    assert.deepEqual(a.headers, ["Departamento", "Subcategoría", "Período", "Monto aprobado", "Moneda"]);
    assert.equal(a.totalRows, 3);
    const target = (column: string) => a.mappings.find((m: any) => m.sourceColumn === column)?.targetField;
    assert.equal(target("Departamento"), "department");
    assert.equal(target("Período"), "fiscalPeriod");
    assert.equal(target("Monto aprobado"), "budgetedAmount");
    assert.equal(a.fileTypeDetection.likelyFileType, "budget");
    assert.equal(a.canProceed, true);
    assert.ok(a.mappings.every((m: any) => m.reason.length > 0 && m.confidence > 0 && m.confidence <= 1));

    const imported = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "acme", fileId: a.fileId, fileName: "presupuesto.csv", mappings: confirmed(a) },
    });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.data.status, "completed");
    assert.equal(imported.body.data.imported, 3);
    const lines = await budgetLines();
    assert.deepEqual(
      lines.map((l) => [l.department, String(l.budgeted_minor)]),
      [
        ["Ingeniería", "1250000"],
        ["Márketing", "-120000"],
        ["Ventas", "800050"],
      ],
    );

    // The same bytes again: the import they were is named, and the mapping is the learned one.
    const again = (await analyze(spanishBudget(), "copy-of-presupuesto.csv")).body.data;
    assert.equal(again.duplicateOf.importId, imported.body.data.importId);
    assert.equal(again.learnedFrom, imported.body.data.importId);
    assert.ok(again.mappings.every((m: any) => m.confidence === 1));
  });

  it("shows a re-import's diff and changes the budget only once it is committed", async () => {
    const a = (await analyze(spanishBudget(["13.000,00", "8.000,50"]).subarray(0, undefined), "v2.csv")).body.data;
    // Two lines this time: Ingeniería changed, Ventas unchanged, Márketing removed.
    const twoLines = iconv.encode(
      [
        "Departamento;Subcategoría;Período;Monto aprobado;Moneda",
        'Ingeniería;Software;2025-01;"13.000,00";EUR',
        'Ventas;Viajes;2025-01;"8.000,50";EUR',
        // "2.000" alone could be two or two thousand; the column's "13.000,00" says which.
        "Finanzas;Auditoría;2025-03;2.000;EUR",
      ].join("\r\n"),
      "latin1",
    );
    const b = (await analyze(twoLines, "v3.csv")).body.data;
    assert.ok(a.fileId && b.fileId);
    const staged = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "acme", fileId: b.fileId, mappings: confirmed(b) },
    });
    assert.equal(staged.body.data.status, "awaiting_approval");
    assert.deepEqual(staged.body.data.diffSummary, { added: 1, changed: 1, removed: 1, unchanged: 1 });
    const importId = staged.body.data.importId;
    const diff = (await call("GET", `/api/v1/imports/${importId}/diff?customerId=acme`, { token: finance })).body.data;
    assert.deepEqual(
      diff.changed.map((c: any) => [c.department, c.oldAmount, c.amount]),
      [["Ingeniería", "12500.00", "13000.00"]],
    );
    assert.deepEqual(
      diff.removed.map((c: any) => c.department),
      ["Márketing"],
    );
    assert.deepEqual(
      diff.added.map((c: any) => [c.department, c.amount]),
      [["Finanzas", "2000.00"]],
    );
    assert.equal(
      (await budgetLines()).find((l) => l.department === "Ingeniería")!.budgeted_minor.toString(),
      "1250000",
    );

    const committed = await call("POST", `/api/v1/imports/${importId}/commit`, {
      token: finance,
      body: { customerId: "acme" },
    });
    assert.equal(committed.status, 200, JSON.stringify(committed.body));
    assert.equal(committed.body.data.status, "completed");
    const after = await budgetLines();
    assert.equal(after.find((l) => l.department === "Ingeniería")!.budgeted_minor.toString(), "1300000");
    assert.ok(after.find((l) => l.department === "Márketing")!.removed_at, "removed, kept for its documents");
    const twice = await call("POST", `/api/v1/imports/${importId}/commit`, {
      token: finance,
      body: { customerId: "acme" },
    });
    assert.equal(twice.status, 409);
  });

  it("refuses bad rows with row, column, value and message, and stores nothing", async () => {
    const bad = Buffer.from(
      "Department,Sub Category,Period,Budget,Currency\nIT,Cloud,2025-04,12x,EUR\nHR,,2025-04,100.00,ZZZ\n,Training,2025-04,5,EUR\n",
    );
    const a = (await analyze(bad, "bad.csv")).body.data;
    const before = await budgetLines();
    const r = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: { customerId: "acme", fileId: a.fileId, mappings: confirmed(a) },
    });
    assert.equal(r.body.data.status, "failed");
    assert.equal(r.body.data.stats.errorRows, 3);
    assert.deepEqual(
      r.body.data.errors.map((e: any) => [e.rowNumber, e.column]),
      [
        [2, "Budget"],
        [3, "Currency"],
        [4, "Department"],
      ],
    );
    assert.equal(r.body.data.errors[0].value, "12x");
    assert.deepEqual(await budgetLines(), before);
    const history = await call("GET", "/api/v1/imports/history?customerId=acme&limit=10", { token: finance });
    assert.equal(history.body.data.imports[0].status, "failed");
    assert.equal(history.body.data.imports[0].errors.length, 3);
  });

  it("answers 400 naming the field for a mapping to a missing column or a target mapped twice", async () => {
    const a = (await analyze(spanishBudget(), "p.csv")).body.data;
    const missing = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: {
        customerId: "acme",
        fileId: a.fileId,
        mappings: [...confirmed(a), { sourceColumn: "Nope", targetField: "costCenter" }],
      },
    });
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(missing.body.error.details), /mappings\[5\]\.sourceColumn/);
    const twice = await call("POST", "/api/v1/excel/import", {
      token: finance,
      body: {
        customerId: "acme",
        fileId: a.fileId,
        mappings: [
          { sourceColumn: "Departamento", targetField: "department" },
          { sourceColumn: "Subcategoría", targetField: "department" },
        ],
      },
    });
    assert.equal(twice.status, 400);
    assert.match(JSON.stringify(twice.body.error.details), /mapped twice/);
  });

  it("refuses a payroll export and keeps nothing of it but a fingerprint", async () => {
    const payroll = Buffer.from(
      "Employee Name,Employee ID,Gross Pay,Net Pay,Tax Withheld,IBAN\n" +
        "Jane Doe,E1001,5200.00,3900.00,1300.00,BE68539007547034\n" +
        "John Roe,E1002,4800.00,3650.00,1150.00,BE71096123456769\n",
    );
    const r = await analyze(payroll, "budget-2025.csv");
    assert.equal(r.status, 200);
    assert.equal(r.body.data.fileTypeDetection.likelyFileType, "payroll");
    assert.equal(r.body.data.canProceed, false);
    assert.equal(r.body.data.purged, true);
    assert.equal(r.body.data.fileId, null);
    assert.deepEqual(r.body.data.sampleRows, []);
    const rows = await host.platform.database.db
      .selectFrom("budget_files")
      .select(["status", "blob_name"])
      .where("likely_type", "=", "payroll")
      .execute();
    assert.deepEqual(rows, [{ status: "purged", blob_name: null }]);
    const stored: string[] = [];
    for await (const blob of host.platform.blobs.list("budget-files", "acme/")) stored.push(blob.name);
    const kept = await host.platform.database.db
      .selectFrom("budget_files")
      .select("blob_name")
      .where("blob_name", "is not", null)
      .execute();
    assert.deepEqual(stored.sort(), kept.map((k) => k.blob_name).sort(), "only the budget files are stored");
  });

  it("keeps customers apart and refuses files that are not tables", async () => {
    const other = await analyze(spanishBudget(), "p.csv", "globex");
    assert.equal(other.status, 404, "a customer the user is not bound to does not exist for them");
    const junk = await analyze(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0, 1, 2, 3]), "x.csv");
    assert.equal(junk.status, 400);
    const empty = await analyze(Buffer.alloc(0), "empty.csv");
    assert.equal(empty.status, 400);
  });

  it("counts imports by outcome and files refused by type in the metrics", async () => {
    const r = await fetch(`${host.url}/api/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    const text = await r.text();
    assert.match(text, /file_type_warning_total\{likely_type="payroll"\} 1/);
    assert.match(text, /budget_import_failed_total\{source_type="csv"\} 1/);
    assert.match(text, /budget_import_succeeded_total\{source_type="csv",status="completed"\} 1/);
    assert.match(text, /budget_import_succeeded_total\{source_type="csv",status="awaiting_approval"\} 1/);
    assert.match(text, /budget_import_duration_seconds_count 3/);
  });
});
