import type { Kysely } from "kysely";
import type { SqlDialectName } from "../../foundation/sql/database.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { ExpenseCellSums, hasExpenseCells, rebuildExpenseCells } from "./expense-cells-repository.js";
import { EXPENSE_ROW_COLUMNS, toExpenseRow } from "./expense-line.js";
import { expenseChunkWriter, expenseInsertChunk, hasExpenses, widenSqliteCache } from "./expense-repository.js";
import { syntheticExpenses } from "./synthetic-expenses.js";

/**
 * Local only: fills an empty `finance_expense` with the synthetic dataset (the planted
 * facts included), in batched inserts in one transaction so 200,000 rows take seconds.
 * Returns the rows added (0 when the table already holds data).
 */
export async function seedExpenses(
  db: Kysely<AnalyticsTables>,
  options: {
    readonly rows: number;
    readonly seed?: number;
    readonly loadedAt: string;
    readonly dialect: SqlDialectName;
  },
): Promise<number> {
  if (options.rows <= 0) return 0;
  if (await hasExpenses(db)) return 0;
  const chunk = expenseInsertChunk(options.dialect);
  let added = 0;
  const insert = expenseChunkWriter(options.dialect);
  const cache = options.dialect === "sqlite" ? await widenSqliteCache(db) : null;
  // The cells are written once, in the same transaction: SQLite groups the loaded table
  // (200k rows ~15% faster than a JavaScript map keyed by every dimension per row; at 1M
  // about even, the GROUP BY re-reading the table);
  // elsewhere they are summed as the rows stream by.
  const hasCells = await hasExpenseCells(db);
  const cells = hasCells && options.dialect !== "sqlite" ? new ExpenseCellSums() : null;
  try {
    await db.transaction().execute(async (trx) => {
      let values: unknown[] = [];
      let rows = 0;
      const flush = async () => {
        if (rows === 0) return;
        added += (await insert(trx, EXPENSE_ROW_COLUMNS, values)).added;
        values = [];
        rows = 0;
      };
      for (const line of syntheticExpenses({
        rows: options.rows,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      })) {
        const row = toExpenseRow(line, { importId: null, loadedAt: options.loadedAt });
        for (const column of EXPENSE_ROW_COLUMNS) values.push(row[column]);
        cells?.add(row);
        if (++rows >= chunk) await flush();
      }
      await flush();
      await cells?.insert(trx, chunk);
      if (hasCells && cells === null) await rebuildExpenseCells(trx);
    });
  } finally {
    await cache?.restore();
  }
  return added;
}
