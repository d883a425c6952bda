import assert from "node:assert/strict";
import { sql } from "kysely";
import { after, before, describe, it } from "node:test";
import { MIGRATIONS, type PlatformTables } from "../../../shared/catalog.js";
import { openSqliteDatabase, tablesOf, type Database } from "../../../shared/foundation/sql/database.js";
import type { AnalyticsTables } from "../../../shared/systems/analytics/analytics-tables.js";
import { addExpenseCells, compactExpenseCells } from "../../../shared/systems/analytics/expense-cells-repository.js";
import { expenseWhere, type ExpenseFilter } from "../../../shared/systems/analytics/expense-filter.js";
import { toExpenseRow } from "../../../shared/systems/analytics/expense-line.js";
import {
  Exploration,
  PLANTED,
  expenseQueries,
  hasExpenseCells,
  rebuildExpenseCells,
  seedExpenses,
  syntheticExpenses,
} from "../../../shared/systems/analytics/index.js";

/**
 * The pre-summed cells answer exactly as the fact table: the same seeded dataset in two
 * databases, one with its cells table dropped (the fact-table path a warehouse takes), and
 * every exploration answer and chart aggregate compared to the cent, under filters, after
 * an import's rows are added and after they are taken out again.
 */
const FILTERS: readonly ExpenseFilter[] = [
  {},
  { fiscalYear: 2025 },
  { periodFrom: 3, periodTo: 14 },
  { companyCode: "3000" },
  { dimensions: { functional_area: "TRAVEL" } },
  { fiscalYear: 2025, periodFrom: 2, periodTo: 3, dimensions: { cost_center_id: PLANTED.driver.costCenterId } },
  { dimensions: { supplier: PLANTED.driver.supplier, status: "Posted" } },
  { fiscalYear: 1999 },
];

type Db = ReturnType<typeof tablesOf<AnalyticsTables, PlatformTables>>;

async function seeded(cells: boolean): Promise<{ database: Database<PlatformTables>; db: Db }> {
  const database = await openSqliteDatabase<PlatformTables>(":memory:", MIGRATIONS);
  const db = tablesOf<AnalyticsTables, PlatformTables>(database.db);
  if (!cells) await sql`drop table finance_expense_cells`.execute(db);
  await seedExpenses(db, { rows: 4_000, loadedAt: "2026-01-01T00:00:00Z", dialect: "sqlite" });
  return { database, db };
}

/** Every answer the cells serve, as plain data (bigints as strings). */
async function answers(db: Db) {
  const exploration = new Exploration(db);
  const out: unknown[] = [];
  for (const filter of FILTERS) {
    out.push(await exploration.summary(filter, { top: 5 }));
    out.push(await exploration.breakdown(filter, "cost_center_id", { page: 1, pageSize: 7 }));
    out.push(await exploration.breakdown(filter, "supplier", { page: 3, pageSize: 5 }));
    out.push(await exploration.breakdown(filter, "region", { page: 99, pageSize: 5 }));
    out.push(await exploration.timeseries(filter, { granularity: "month", top: 25 }));
    out.push(await exploration.timeseries(filter, { granularity: "quarter", dimension: "functional_area", top: 3 }));
    out.push(
      await expenseQueries.topValues(db, filter, "cost_center_id", 6, {
        byAbsoluteAmount: true,
        label: "cost_center_name",
      }),
    );
    out.push(await expenseQueries.periodCells(db, filter));
  }
  return JSON.parse(JSON.stringify(out, (_, v) => (typeof v === "bigint" ? String(v) : v))) as unknown;
}

/** An import's worth of rows: a slice of another seed's lines, loaded as import `importId`. */
function importRows(importId: string) {
  return [...syntheticExpenses({ rows: 600, seed: 7 })].map((line, i) => ({
    ...toExpenseRow({ ...line, reference: `IMP-${i}` }, { importId, loadedAt: "2026-02-01T00:00:00Z" }),
  }));
}

describe("pre-summed expense cells", () => {
  let withCells: { database: Database<PlatformTables>; db: Db };
  let factsOnly: { database: Database<PlatformTables>; db: Db };

  before(async () => {
    withCells = await seeded(true);
    factsOnly = await seeded(false);
  });
  after(async () => {
    await withCells?.database.close();
    await factsOnly?.database.close();
  });

  it("the seed fills them and only the database that has them reads them", async () => {
    assert.equal(await hasExpenseCells(withCells.db), true);
    assert.equal(await hasExpenseCells(factsOnly.db), false);
    const cells = await withCells.db
      .selectFrom("finance_expense_cells")
      .select((eb) => eb.fn.sum<number>("row_count").as("rows"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(cells.rows), 4_000);
  });

  it("every exploration answer equals the fact table's, under each filter", async () => {
    assert.deepEqual(await answers(withCells.db), await answers(factsOnly.db));
  });

  it("possible duplicates, found from repeated references, equal a grouping of every row", async () => {
    const db = withCells.db;
    for (const filter of FILTERS) {
      const all = db
        .selectFrom("finance_expense")
        .where((eb) => expenseWhere(eb, filter))
        .where("reference", "is not", null)
        .select(sql<number>`count(*)`.as("n"))
        .groupBy([
          "company_code",
          "reference",
          "general_ledger_fiscal_year",
          "posting_period",
          "cost_center_id",
          "general_ledger_account",
          "supplier",
          "company_code_currency_key",
          "amount_minor",
        ])
        .having(sql<boolean>`count(*) > 1`);
      const expected = await db
        .selectFrom(all.as("g"))
        .select([sql<number>`count(*)`.as("groups"), sql<number>`coalesce(sum(g.n), 0)`.as("rows")])
        .executeTakeFirstOrThrow();
      const found = await expenseQueries.duplicateGroups(db, filter, 10);
      assert.deepEqual({ groups: found.groups, rows: found.rows }, expected, JSON.stringify(filter));
    }
    const planted = await expenseQueries.duplicateGroups(db, { fiscalYear: 2025 }, 10);
    assert.equal(planted.groups, PLANTED.dataQuality.duplicatePairs);
  });

  it("stays exact through an import's deltas, its removal and compaction", async () => {
    const rows = importRows("imp-1");
    for (const { db } of [withCells, factsOnly]) {
      await db.transaction().execute(async (trx) => {
        for (let at = 0; at < rows.length; at += 300)
          await expenseQueries.insertExpenses(trx, rows.slice(at, at + 300));
        if (await hasExpenseCells(db)) await addExpenseCells(trx, rows, 300);
      });
    }
    assert.deepEqual(await answers(withCells.db), await answers(factsOnly.db), "after the import's deltas");

    for (const { db } of [withCells, factsOnly]) await expenseQueries.deleteImported(db, "imp-1");
    assert.deepEqual(await answers(withCells.db), await answers(factsOnly.db), "after taking the import out");

    // Compacted cells are the fact table's sums: one row per cell, as a rebuild makes them.
    await compactExpenseCells(withCells.db);
    const cellsOf = async () =>
      (await sql<Record<string, unknown>>`select * from finance_expense_cells`.execute(withCells.db)).rows
        .map(({ id: _id, ...cell }) => JSON.stringify(cell))
        .sort();
    const compacted = await cellsOf();
    await rebuildExpenseCells(withCells.db);
    assert.deepEqual(compacted, await cellsOf());
  });
});
