import { sql, type Kysely } from "kysely";
import { DIMENSIONS } from "./analytics-dimensions.js";
import type { AnalyticsTables, FinanceExpenseCellTable, FinanceExpenseTable } from "./analytics-tables.js";

/**
 * `finance_expense_cells`: the fact table summed per fiscal year, period and every dimension
 * (~12x fewer rows than the seeded dataset), which the exploration and chart aggregates read
 * instead of scanning the fact table. Every write to `finance_expense` changes the cells in
 * the same transaction: an insert appends its rows' sums as a delta, a delete appends the
 * negated sums of what it takes out, the seed rebuilds them. Deltas make a cell appear more
 * than once until `compactExpenseCells` merges them, so readers group and sum (and skip
 * cells whose rows net to zero). A warehouse behind ANALYTICS_SQL_CONNECTION_STRING runs no
 * migrations and has no cells: readers and writers then use the fact table alone.
 */

type Db = Kysely<AnalyticsTables>;
type ExpenseRow = Omit<FinanceExpenseTable, "id">;
type CellRow = Omit<FinanceExpenseCellTable, "id">;

/** What identifies a cell: the period and every dimension. */
export const CELL_KEY = ["general_ledger_fiscal_year", "posting_period", ...DIMENSIONS] as const;
type CellKey = (typeof CELL_KEY)[number];

const keyList = sql.join(CELL_KEY.map((c) => sql.ref(c)));

const present = new WeakMap<object, Promise<boolean>>();

/** Whether this connection holds the cells table (probed once per connection). */
export function hasExpenseCells(db: Db): Promise<boolean> {
  let known = present.get(db);
  if (known === undefined) {
    known = sql`select 1 as one from finance_expense_cells where 1 = 0`.execute(db).then(
      () => true,
      () => false,
    );
    present.set(db, known);
  }
  return known;
}

/** Sums rows per cell in memory, then appends them as deltas (a batch's, or a whole seed's). */
export class ExpenseCellSums {
  readonly #cells = new Map<string, { -readonly [K in keyof CellRow]: CellRow[K] }>();

  add(row: ExpenseRow): void {
    // Built by hand (JSON.stringify of a mapped array was most of a seed's cell upkeep), still
    // unambiguous: strings length-prefixed, numbers ended by ";", null as "-".
    let id = "";
    for (const c of CELL_KEY) {
      const value = row[c];
      id += typeof value === "string" ? `s${value.length}:${value}` : value === null ? "-" : `n${value};`;
    }
    let cell = this.#cells.get(id);
    if (cell === undefined) {
      const key = Object.fromEntries(CELL_KEY.map((c) => [c, row[c]])) as Pick<ExpenseRow, CellKey>;
      cell = { ...key, row_count: 0, amount_minor: 0, debit_minor: 0, credit_minor: 0 };
      this.#cells.set(id, cell);
    }
    cell.row_count++;
    cell.amount_minor += row.amount_minor;
    if (row.amount_minor > 0) cell.debit_minor += row.amount_minor;
    else cell.credit_minor += row.amount_minor;
  }

  /** Appends the sums, `chunk` cells per INSERT (the dialect's parameter limit), and forgets them. */
  async insert(trx: Db, chunk: number): Promise<void> {
    const values = [...this.#cells.values()];
    this.#cells.clear();
    for (const cell of values) {
      // Integer minor units are exact as doubles up to 2^53; past it the sum could be off.
      if (!Number.isSafeInteger(cell.debit_minor) || !Number.isSafeInteger(cell.credit_minor))
        throw new Error("An expense cell's sum exceeds the exact integer range");
    }
    for (let at = 0; at < values.length; at += chunk)
      await trx
        .insertInto("finance_expense_cells")
        .values(values.slice(at, at + chunk))
        .execute();
  }
}

/** The rows' sums per cell, appended as deltas: call in the transaction that inserts the rows. */
export async function addExpenseCells(trx: Db, rows: readonly ExpenseRow[], chunk: number): Promise<void> {
  const sums = new ExpenseCellSums();
  for (const row of rows) sums.add(row);
  await sums.insert(trx, chunk);
}

/** The highest fact row id (0 when empty): call in the inserting transaction, before its inserts. */
export async function lastExpenseId(trx: Db): Promise<number> {
  const row = await trx
    .selectFrom("finance_expense")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * SQLite: appends the sums of the rows an import inserted after id `afterId`, summed by the
 * database in the inserting transaction. SQLite has one writer, so the rows past `afterId`
 * are exactly this transaction's; summing them in SQL spared the import a JavaScript map
 * key per row and a query-builder INSERT per batch (a fifth of its CPU and garbage).
 */
export async function addImportCellsAfter(trx: Db, importId: string, afterId: number): Promise<void> {
  await sql`insert into finance_expense_cells (${keyList}, row_count, amount_minor, debit_minor, credit_minor)
    select ${keyList}, count(*), sum(amount_minor),
      sum(case when amount_minor > 0 then amount_minor else 0 end),
      sum(case when amount_minor < 0 then amount_minor else 0 end)
    from finance_expense where import_id = ${importId} and id > ${afterId} group by ${keyList}`.execute(trx);
}

/** Appends the negated sums of an import's rows: call in the transaction that deletes them. */
export async function subtractImportCells(trx: Db, importId: string): Promise<void> {
  await sql`insert into finance_expense_cells (${keyList}, row_count, amount_minor, debit_minor, credit_minor)
    select ${keyList}, -count(*), -sum(amount_minor),
      -sum(case when amount_minor > 0 then amount_minor else 0 end),
      -sum(case when amount_minor < 0 then amount_minor else 0 end)
    from finance_expense where import_id = ${importId} group by ${keyList}`.execute(trx);
}

/** The cells recomputed from the fact table (after a bulk load, or a write made outside the app). */
export async function rebuildExpenseCells(trx: Db): Promise<void> {
  await trx.deleteFrom("finance_expense_cells").execute();
  await sql`insert into finance_expense_cells (${keyList}, row_count, amount_minor, debit_minor, credit_minor)
    select ${keyList}, count(*), sum(amount_minor),
      sum(case when amount_minor > 0 then amount_minor else 0 end),
      sum(case when amount_minor < 0 then amount_minor else 0 end)
    from finance_expense group by ${keyList}`.execute(trx);
}

/**
 * Merges each cell's deltas into one row and drops cells whose rows net to zero; the sums
 * are unchanged. Serializable on SQL Server so a concurrent writer's delta below the merged
 * id range cannot be deleted unmerged (SQLite has one writer at a time anyway).
 */
export async function compactExpenseCells(db: Db): Promise<void> {
  await db
    .transaction()
    .setIsolationLevel("serializable")
    .execute(async (trx) => {
      const last = await trx
        .selectFrom("finance_expense_cells")
        .select((eb) => eb.fn.max("id").as("id"))
        .executeTakeFirst();
      if (last?.id === null || last?.id === undefined) return;
      const upTo = Number(last.id);
      await sql`insert into finance_expense_cells (${keyList}, row_count, amount_minor, debit_minor, credit_minor)
        select ${keyList}, sum(row_count), sum(amount_minor), sum(debit_minor), sum(credit_minor)
        from finance_expense_cells where id <= ${upTo} group by ${keyList} having sum(row_count) <> 0`.execute(trx);
      await trx.deleteFrom("finance_expense_cells").where("id", "<=", upTo).execute();
    });
}
