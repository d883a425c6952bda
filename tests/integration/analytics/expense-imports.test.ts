import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { after, before, describe, it } from "node:test";
import type { PlatformTables } from "../../../shared/catalog.js";
import { tablesOf } from "../../../shared/foundation/sql/database.js";
import { sql } from "kysely";
import { DIMENSIONS, rebuildExpenseCells, type AnalyticsTables } from "../../../shared/systems/analytics/index.js";
import { eventually } from "../../support/eventually.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let analyst: string;

const HEADER = "Posting Period,Fiscal Year,Company Code,Currency,Amount,D/C,Cost Center,G/L Account,Supplier,Reference";

/** An SAP-style line-item export: `lines` distinct postings, some credits. */
function expenseCsv(lines: number, first = 0): string {
  const rows = [HEADER];
  for (let i = first; i < first + lines; i++)
    rows.push(
      `${(i % 12) + 1},2025,BE01,EUR,${100 + (i % 97)}.${String(i % 100).padStart(2, "0")},${i % 10 === 0 ? "H" : "S"},CC${i % 7},600${i % 5},Supplier ${i % 13},DOC-${i}`,
    );
  return rows.join("\n");
}

/** The pre-summed cells against the fact table, cell by cell to the cent (deltas merged in the query). */
async function assertCellsInStep(): Promise<void> {
  const key = sql.join(["general_ledger_fiscal_year", "posting_period", ...DIMENSIONS].map((c) => sql.ref(c)));
  const db = host.platform.database.db;
  const cells = await sql`select ${key}, sum(row_count) as n, sum(amount_minor) as amount, sum(debit_minor) as debit,
      sum(credit_minor) as credit from finance_expense_cells group by ${key} having sum(row_count) <> 0 order by ${key}`.execute(
    db,
  );
  const facts = await sql`select ${key}, count(*) as n, sum(amount_minor) as amount,
      sum(case when amount_minor > 0 then amount_minor else 0 end) as debit,
      sum(case when amount_minor < 0 then amount_minor else 0 end) as credit
      from finance_expense group by ${key} order by ${key}`.execute(db);
  assert.ok(facts.rows.length > 0);
  assert.deepEqual(cells.rows, facts.rows);
}

/** The same postings as `expenseCsv`, as a workbook: a title row above the header, numbers as numbers. */
async function expenseXlsx(lines: number, first = 0): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Line items");
  sheet.addRow(["Line items, fiscal year 2025"]);
  sheet.addRow(HEADER.split(","));
  for (const line of expenseCsv(lines, first).split("\n").slice(1)) {
    const [period, year, company, currency, amount, ...rest] = line.split(",");
    sheet.addRow([Number(period), Number(year), company, currency, Number(amount), ...rest]);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

async function upload(
  file: string | Uint8Array<ArrayBuffer>,
  options: { token?: string; mappings?: unknown; name?: string } = {},
) {
  const form = new FormData();
  const type =
    typeof file === "string" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  form.append("file", new Blob([file], { type }), options.name ?? "expenses.csv");
  if (options.mappings !== undefined) form.append("mappings", JSON.stringify(options.mappings));
  const r = await fetch(`${host.url}/api/v1/finance/expenses/imports`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.token ?? admin}` },
    body: form,
  });
  return { status: r.status, body: await r.json(), location: r.headers.get("location") };
}

async function finished(statusUrl: string) {
  return eventually(
    "the expense import to finish",
    async () => {
      const view = (await call("GET", statusUrl, { token: analyst })).body.data;
      return view.status === "completed" || view.status === "failed" ? view : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function storedRows(): Promise<number> {
  const row = await host.platform.database.db
    .selectFrom("finance_expense")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("expense imports: queued, mapped like budget files, never adding a line twice", () => {
  before(async () => {
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets,analytics",
        ANALYTICS_SEED_ROWS: "0",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        ANALYTICS_IMPORT_MAX_FILE_BYTES: "1000000",
      },
      { queuePollMs: 50, timers: false },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "fpa-imports", ["analyst"]);
  });

  after(async () => host?.stop());

  it("proposes the mapping from the headers, queues the file and loads every line with exact money", async () => {
    const r = await upload(expenseCsv(5_000));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const accepted = r.body.data;
    assert.equal(r.location, accepted.statusUrl);
    const target = (column: string) =>
      accepted.proposal.mappings.find((m: any) => m.sourceColumn === column)?.targetField;
    assert.equal(target("Posting Period"), "posting_period");
    assert.equal(target("Fiscal Year"), "general_ledger_fiscal_year");
    assert.equal(target("Company Code"), "company_code");
    assert.equal(target("Amount"), "company_code_currency_value");
    assert.equal(target("D/C"), "debit_credit_ind");
    assert.equal(target("Cost Center"), "cost_center_id");
    assert.equal(accepted.progress.totalRows, 5_000);

    const done = await finished(accepted.statusUrl);
    assert.equal(done.status, "completed", JSON.stringify(done));
    assert.deepEqual(done.stats, { totalRows: 5_000, inserted: 5_000, duplicates: 0, errorRows: 0 });
    assert.equal(done.progress.percent, 100);
    assert.equal(await storedRows(), 5_000);
    const doc = await host.platform.database.db
      .selectFrom("finance_expense")
      .select(["amount_minor", "debit_credit_ind", "month_year", "cost_center_id"])
      .where("reference", "=", "DOC-10")
      .executeTakeFirstOrThrow();
    // Row 10: 110.10 EUR, a credit (H), period 11.
    assert.deepEqual(doc, {
      amount_minor: -11010,
      debit_credit_ind: "H",
      month_year: "2025-11",
      cost_center_id: "CC3",
    });
  });

  it("adds nothing twice: the same file again only counts duplicates; an overlapping one adds its new lines", async () => {
    const before = await storedRows();
    const again = await finished((await upload(expenseCsv(5_000))).body.data.statusUrl);
    assert.equal(again.status, "completed");
    assert.deepEqual(again.stats, { totalRows: 5_000, inserted: 0, duplicates: 5_000, errorRows: 0 });
    const overlap = await finished((await upload(expenseCsv(1_000, 4_500))).body.data.statusUrl);
    assert.deepEqual(overlap.stats, { totalRows: 1_000, inserted: 500, duplicates: 500, errorRows: 0 });
    assert.equal(await storedRows(), before + 500);
    await assertCellsInStep();
  });

  it("loads a workbook whose header sits below a title row, and knows its lines again from a CSV", async () => {
    const before = await storedRows();
    const xlsx = await upload(await expenseXlsx(2_500, 700_000), { name: "line-items.xlsx" });
    assert.equal(xlsx.status, 202, JSON.stringify(xlsx.body));
    const done = await finished(xlsx.body.data.statusUrl);
    assert.equal(done.status, "completed", JSON.stringify(done));
    assert.deepEqual(done.stats, { totalRows: 2_500, inserted: 2_500, duplicates: 0, errorRows: 0 });
    const doc = await host.platform.database.db
      .selectFrom("finance_expense")
      .select(["amount_minor", "debit_credit_ind", "month_year", "company_code"])
      .where("reference", "=", "DOC-700010")
      .executeTakeFirstOrThrow();
    // Row 700010: 158.10 EUR written as the number 158.1, a credit (H), period 3.
    assert.deepEqual(doc, { amount_minor: -15810, debit_credit_ind: "H", month_year: "2025-03", company_code: "BE01" });
    // The fingerprint is the line's content, not its file: the same postings as CSV add nothing.
    const csv = await finished((await upload(expenseCsv(2_500, 700_000))).body.data.statusUrl);
    assert.deepEqual(csv.stats, { totalRows: 2_500, inserted: 0, duplicates: 2_500, errorRows: 0 });
    assert.equal(await storedRows(), before + 2_500);
    await assertCellsInStep();
  });

  it("stores a line repeated far apart in the file once, however the import groups its commits", async () => {
    // 6,000 rows, the second 3,000 repeating the first: the repeats fall in later lookup
    // batches than their originals, in one commit or in another.
    const firstHalf = expenseCsv(3_000, 400_000);
    const csv = `${firstHalf}\n${firstHalf.slice(firstHalf.indexOf("\n") + 1)}`;
    const before = await storedRows();
    const done = await finished((await upload(csv)).body.data.statusUrl);
    assert.equal(done.status, "completed");
    assert.deepEqual(done.stats, { totalRows: 6_000, inserted: 3_000, duplicates: 3_000, errorRows: 0 });
    assert.equal(done.progress.rowsRead, 6_000);
    assert.equal(await storedRows(), before + 3_000);
    await assertCellsInStep();
  });

  it("a delivery after a crashed one finishes the import exactly once", async () => {
    const r = await upload(expenseCsv(3_000, 100_000));
    const done = await finished(r.body.data.statusUrl);
    const importId = done.importId;
    const db = host.platform.database.db;
    // What a worker that died mid-way leaves: the import processing, part of its lines in.
    const ids = await db
      .selectFrom("finance_expense")
      .select("id")
      .where("import_id", "=", importId)
      .orderBy("id")
      .execute();
    await db.deleteFrom("finance_expense").where("id", ">", ids[1_200]!.id).where("import_id", "=", importId).execute();
    await rebuildExpenseCells(tablesOf<AnalyticsTables, PlatformTables>(db)); // the cells it left in step
    await db.updateTable("expense_imports").set({ status: "processing" }).where("import_id", "=", importId).execute();
    const total = await storedRows();

    await host.platform.analytics.imports.runImportJob(importId);
    const redone = (await call("GET", done.statusUrl, { token: analyst })).body.data;
    assert.equal(redone.status, "completed");
    assert.deepEqual(redone.stats, { totalRows: 3_000, inserted: 3_000, duplicates: 0, errorRows: 0 });
    assert.equal(await storedRows(), total + 3_000 - 1_201);
    // A finished import is left alone by a late redelivery.
    await host.platform.analytics.imports.runImportJob(importId);
    assert.equal((await call("GET", done.statusUrl, { token: analyst })).body.data.stats.inserted, 3_000);
    assert.equal(await storedRows(), total + 3_000 - 1_201);
    await assertCellsInStep();
  });

  it("the requeue timer re-sends an import whose last delivery died, and fails one past the delivery count", async () => {
    const db = host.platform.database.db;
    const imports = host.platform.analytics.imports;
    const first = await finished((await upload(expenseCsv(500, 200_000))).body.data.statusUrl);
    const second = await finished((await upload(expenseCsv(500, 300_000))).body.data.statusUrl);
    const longAgo = "2000-01-01T00:00:00.000Z";
    // Both left processing by a worker that died with no redelivery to follow.
    await db
      .updateTable("expense_imports")
      .set({ status: "processing", attempts: 1, updated_at: longAgo })
      .where("import_id", "=", first.importId)
      .execute();
    await db
      .updateTable("expense_imports")
      .set({ status: "processing", attempts: 5, updated_at: longAgo })
      .where("import_id", "=", second.importId)
      .execute();
    const sent: { messageId: string; body: { importId: string } }[] = [];
    assert.equal(await imports.requeueStale(async (m) => void sent.push(m)), 2);
    assert.deepEqual(
      sent.map((m) => m.body.importId),
      [first.importId],
    );
    const failed = (await call("GET", second.statusUrl, { token: analyst })).body.data;
    assert.equal(failed.status, "failed");
    assert.match(failed.error, /after 5 attempts/);
    const left = await db
      .selectFrom("finance_expense")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("import_id", "=", second.importId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 0, "a failed import takes its rows out");
    await assertCellsInStep();
    // Handed on once: the next sweep leaves it alone until it is stale again.
    assert.equal(await imports.requeueStale(async (m) => void sent.push(m)), 0);
    await imports.runImportJob(first.importId);
    const redone = (await call("GET", first.statusUrl, { token: analyst })).body.data;
    assert.equal(redone.status, "completed");
    assert.equal(redone.stats.inserted, 500);
  });

  it("loads the good rows and reports each bad one by row and column", async () => {
    const csv = [
      HEADER,
      "3,2025,BE01,EUR,12.50,S,CC1,6000,Acme,OK-1",
      "17,2025,BE01,EUR,12.50,S,CC1,6000,Acme,BAD-PERIOD",
      "3,2025,BE01,EUR,twelve,S,CC1,6000,Acme,BAD-AMOUNT",
      "3,2025,BE01,XXX,12.50,S,CC1,6000,Acme,BAD-CURRENCY",
      "3,2025,BE01,EUR,12.505,S,CC1,6000,Acme,TOO-PRECISE",
      "13,2025,BE01,EUR,-4.00,,CC1,6000,Acme,OK-SPECIAL-CREDIT",
    ].join("\n");
    const done = await finished((await upload(csv)).body.data.statusUrl);
    assert.equal(done.status, "completed");
    assert.deepEqual(done.stats, { totalRows: 6, inserted: 2, duplicates: 0, errorRows: 4 });
    const byRow = Object.fromEntries(done.errors.map((e: any) => [e.rowNumber, e]));
    assert.equal(byRow[3].column, "Posting Period");
    assert.match(byRow[3].message, /1–16/);
    assert.equal(byRow[4].column, "Amount");
    assert.equal(byRow[5].column, "Currency");
    assert.match(byRow[6].message, /decimals/);
    const credit = await host.platform.database.db
      .selectFrom("finance_expense")
      .select(["amount_minor", "debit_credit_ind", "month_year"])
      .where("reference", "=", "OK-SPECIAL-CREDIT")
      .executeTakeFirstOrThrow();
    assert.deepEqual(credit, { amount_minor: -400, debit_credit_ind: "H", month_year: "2025-13" });
  });

  it("takes a confirmed mapping and refuses one that names a missing column or maps a field twice", async () => {
    const csv = "Periode,Jahr,Firma,Valuta,Wert\n4,2025,NL01,EUR,10.00\n";
    const mappings = [
      { sourceColumn: "Periode", targetField: "posting_period" },
      { sourceColumn: "Jahr", targetField: "general_ledger_fiscal_year" },
      { sourceColumn: "Firma", targetField: "company_code" },
      { sourceColumn: "Valuta", targetField: "company_code_currency_key" },
      { sourceColumn: "Wert", targetField: "company_code_currency_value" },
    ];
    const ok = await upload(csv, { mappings });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal((await finished(ok.body.data.statusUrl)).stats.inserted, 1);

    const bad = await upload(csv, {
      mappings: [...mappings.slice(0, 4), { sourceColumn: "Betrag", targetField: "company_code" }],
    });
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details.fields.map((d: any) => d.field).sort();
    assert.deepEqual(fields, ["mappings", "mappings[4].sourceColumn", "mappings[4].targetField"]);
    const notJson = await upload(csv, { mappings: "posting_period" });
    assert.equal(notJson.status, 400);
  });

  it("refuses bad files with clear errors and keeps non-admins out", async () => {
    const headerOnly = await upload(HEADER + "\n");
    assert.equal(headerOnly.status, 400, JSON.stringify(headerOnly.body));
    const empty = await upload("");
    assert.equal(empty.status, 400, JSON.stringify(empty.body));
    const unmapped = await upload("Colour,Size\nred,3\n");
    assert.equal(unmapped.status, 400);
    assert.ok(unmapped.body.error.details.fields.some((d: any) => /posting_period must be mapped/.test(d.message)));
    const tooBig = await upload(expenseCsv(25_000));
    assert.equal(tooBig.status, 413, JSON.stringify(tooBig.body));
    assert.equal((await upload(expenseCsv(2), { token: analyst })).status, 403);

    const list = await call("GET", "/api/v1/finance/expenses/imports?pageSize=2", { token: analyst });
    assert.equal(list.status, 200);
    assert.equal(list.body.data.items.length, 2);
    assert.ok(list.body.data.pagination.total >= 5);
    const missing = await call("GET", "/api/v1/finance/expenses/imports/00000000-0000-4000-8000-000000000000", {
      token: analyst,
    });
    assert.equal(missing.status, 404);
  });
});
