import { CompiledQuery, sql, type ExpressionBuilder, type Kysely, type RawBuilder } from "kysely";
import type { SqlDialectName } from "../../foundation/sql/database.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables, FinanceExpenseTable } from "./analytics-tables.js";
import { compactExpenseCells, hasExpenseCells, subtractImportCells } from "./expense-cells-repository.js";
import { expenseWhere, type ExpenseFilter } from "./expense-filter.js";
import { EXPENSE_ROW_COLUMNS, type ExpenseRowColumn } from "./expense-line.js";

/**
 * The SQL of exploration and loading (expenseQueries at the index), reusable by charts, anomalies, RCA and chat: every aggregate is
 * grouped and summed in the database (nothing loads the table), money comes back in minor
 * units as bigint and always per currency. `dimension` arguments must be `Dimension`s
 * (checked by the caller), the only names spliced into SQL. The aggregates read the
 * pre-summed `finance_expense_cells` when the connection has them (same columns, same
 * answers, ~12x fewer rows) and the fact table otherwise.
 */

type Db = Kysely<AnalyticsTables>;

/** SQL Server returns bigint sums as strings, SQLite as numbers: both exactly to bigint. */
export const toBigInt = (value: unknown): bigint =>
  value === null || value === undefined ? 0n : BigInt(typeof value === "string" ? value : Math.trunc(Number(value)));
const toNumber = (value: unknown): number => Number(value ?? 0);

const col = (dimension: Dimension): RawBuilder<string | null> => sql<string | null>`${sql.ref(dimension)}`;
const sumAmount = sql<string | number>`sum(amount_minor)`;

/**
 * Where an aggregate reads and how it counts: the fact table counts rows, the cells sum
 * their counts. Every filter and grouping column is in both (the cells hold every
 * dimension), so only the measures differ. `table` is typed as the fact table because the
 * cells share all the columns the queries name.
 */
interface Source {
  readonly table: "finance_expense";
  readonly cells: boolean;
  readonly rows: RawBuilder<number>;
  readonly debit: RawBuilder<string | number>;
  readonly credit: RawBuilder<string | number>;
  /** Σ |amount|: debits minus credits. */
  readonly spend: RawBuilder<string | number>;
  /** Rows meeting a condition. */
  readonly rowsWhere: (condition: RawBuilder<unknown>) => RawBuilder<number>;
}

const FACTS: Source = {
  table: "finance_expense",
  cells: false,
  rows: sql<number>`count(*)`,
  debit: sql<string | number>`sum(case when amount_minor > 0 then amount_minor else 0 end)`,
  credit: sql<string | number>`sum(case when amount_minor < 0 then amount_minor else 0 end)`,
  spend: sql<string | number>`sum(abs(amount_minor))`,
  rowsWhere: (condition) => sql<number>`sum(case when ${condition} then 1 else 0 end)`,
};

const CELLS: Source = {
  table: "finance_expense_cells" as "finance_expense",
  cells: true,
  rows: sql<number>`sum(row_count)`,
  debit: sql<string | number>`sum(debit_minor)`,
  credit: sql<string | number>`sum(credit_minor)`,
  spend: sql<string | number>`sum(debit_minor - credit_minor)`,
  rowsWhere: (condition) => sql<number>`sum(case when ${condition} then row_count else 0 end)`,
};

/** The cells when this connection has them, else the fact table. */
async function sourceOf(db: Db): Promise<Source> {
  return (await hasExpenseCells(db)) ? CELLS : FACTS;
}

/** A group holds rows (a cell's deltas can net to none until compacted). */
const holdsRows = (src: Source) => sql<boolean>`${src.rows} > 0`;

/** One (company code, currency, fiscal year, period) cell of the summary scan. */
export interface PeriodCell {
  readonly companyCode: string;
  readonly currency: string;
  readonly fiscalYear: number;
  readonly postingPeriod: number;
  readonly rows: number;
  readonly amountMinor: bigint;
  readonly debitMinor: bigint;
  readonly creditMinor: bigint;
}

/** Totals per company, currency and period in one scan (totals, periods covered and gaps derive from it). */
export async function periodCells(db: Db, filter: ExpenseFilter): Promise<PeriodCell[]> {
  const src = await sourceOf(db);
  const rows = await db
    .selectFrom(src.table)
    .where((eb) => expenseWhere(eb, filter))
    .select([
      "company_code",
      "company_code_currency_key",
      "general_ledger_fiscal_year",
      "posting_period",
      src.rows.as("rows"),
      sumAmount.as("amount"),
      src.debit.as("debit"),
      src.credit.as("credit"),
    ])
    .groupBy(["company_code", "company_code_currency_key", "general_ledger_fiscal_year", "posting_period"])
    .having(holdsRows(src))
    .execute();
  return rows.map((r) => ({
    companyCode: r.company_code,
    currency: r.company_code_currency_key,
    fiscalYear: r.general_ledger_fiscal_year,
    postingPeriod: r.posting_period,
    rows: toNumber(r.rows),
    amountMinor: toBigInt(r.amount),
    debitMinor: toBigInt(r.debit),
    creditMinor: toBigInt(r.credit),
  }));
}

/** The key columns whose absence makes a row hard to attribute. */
export const KEY_COLUMNS = ["cost_center_id", "functional_area", "general_ledger_account", "supplier"] as const;
export type KeyColumn = (typeof KEY_COLUMNS)[number];

/** Rows missing each key column (null or blank). */
export async function missingKeys(db: Db, filter: ExpenseFilter): Promise<Record<KeyColumn, number>> {
  const src = await sourceOf(db);
  const row = await db
    .selectFrom(src.table)
    .where((eb) => expenseWhere(eb, filter))
    .select(KEY_COLUMNS.map((c) => src.rowsWhere(sql`${sql.ref(c)} is null or ${sql.ref(c)} = ''`).as(c)))
    .executeTakeFirst();
  const r = (row ?? {}) as Record<KeyColumn, unknown>;
  return Object.fromEntries(KEY_COLUMNS.map((c) => [c, toNumber(r[c])])) as Record<KeyColumn, number>;
}

export interface DuplicateGroup {
  readonly companyCode: string;
  readonly reference: string;
  readonly fiscalYear: number;
  readonly postingPeriod: number;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly rows: number;
}

/**
 * Possible double postings: rows that agree on company, reference, period, cost center,
 * account, supplier and amount (their fingerprints differ, or the load would have merged
 * them: only descriptive text such as the header differs). Largest groups first.
 */
export async function duplicateGroups(
  db: Db,
  filter: ExpenseFilter,
  limit: number,
): Promise<{ groups: number; rows: number; top: DuplicateGroup[] }> {
  // Rows of a group share their reference: only references stored more than once can form
  // one, and finding those reads the narrow reference index, not the table. The cross join
  // (an inner join by its WHERE, in any dialect) and an unindexed filter make SQLite start
  // from those references and look their rows up by reference; otherwise it read the rows
  // of the filter's period index for each reference (17 s at 1M rows with a fiscal year).
  const repeated = db
    .selectFrom("finance_expense")
    .select("reference as repeated_reference")
    .where("reference", "is not", null)
    .groupBy("reference")
    .having(sql<boolean>`count(*) > 1`);
  const grouped = db
    .selectFrom(repeated.as("r"))
    .crossJoin("finance_expense")
    .whereRef("finance_expense.reference", "=", "r.repeated_reference")
    // The joined builder holds finance_expense's columns unqualified, as the filter names them.
    .where((eb) =>
      expenseWhere(eb as unknown as ExpressionBuilder<AnalyticsTables, "finance_expense">, filter, { unindexed: true }),
    )
    .select([
      "company_code",
      "reference",
      "general_ledger_fiscal_year",
      "posting_period",
      "company_code_currency_key",
      "amount_minor",
      sql<number>`count(*)`.as("rows"),
    ])
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
  const totals = await db
    .selectFrom(grouped.as("d"))
    .select([sql<number>`count(*)`.as("groups"), sql<number>`sum(d.rows)`.as("rows")])
    .executeTakeFirst();
  const top = await grouped
    .orderBy(sql`count(*)`, "desc")
    .orderBy("reference")
    .limit(limit)
    .execute();
  return {
    groups: toNumber(totals?.groups),
    rows: toNumber(totals?.rows),
    top: top.map((r) => ({
      companyCode: r.company_code,
      reference: r.reference ?? "",
      fiscalYear: r.general_ledger_fiscal_year,
      postingPeriod: r.posting_period,
      currency: r.company_code_currency_key,
      amountMinor: toBigInt(r.amount_minor),
      rows: toNumber(r.rows),
    })),
  };
}

export interface DimensionTotal {
  readonly value: string | null;
  readonly currency: string;
  readonly rows: number;
  readonly amountMinor: bigint;
  /** The value's name when `topValues` was asked for a label column (e.g. the cost center's name). */
  readonly label?: string | null;
}

export interface TopValuesOptions {
  /**
   * Rank by the sum of absolute amounts (spend, credits counted as activity) instead of the
   * signed total: what the heatmap ranks cost centers by. Default false.
   */
  readonly byAbsoluteAmount?: boolean;
  /** A column naming the value (its max per group), e.g. `cost_center_name` for `cost_center_id`. */
  readonly label?: Dimension;
}

/** The largest values of a dimension by amount (ties by value), `limit` per currency. */
export async function topValues(
  db: Db,
  filter: ExpenseFilter,
  dimension: Dimension,
  limit: number,
  options: TopValuesOptions = {},
): Promise<DimensionTotal[]> {
  const src = await sourceOf(db);
  const rankedBy = options.byAbsoluteAmount ? src.spend : sql`sum(amount_minor)`;
  const ranked = db
    .selectFrom(src.table)
    .where((eb) => expenseWhere(eb, filter))
    .select([
      col(dimension).as("value"),
      "company_code_currency_key as currency",
      src.rows.as("rows"),
      sumAmount.as("amount"),
      (options.label ? sql<string | null>`max(${sql.ref(options.label)})` : sql<null>`null`).as("label"),
      sql<number>`row_number() over (partition by company_code_currency_key order by ${rankedBy} desc, ${sql.ref(dimension)})`.as(
        "rank",
      ),
    ])
    .groupBy([sql.ref(dimension), "company_code_currency_key"])
    .having(holdsRows(src));
  const rows = await db
    .selectFrom(ranked.as("r"))
    .selectAll()
    .where("r.rank", "<=", limit)
    .orderBy("r.currency")
    .orderBy("r.rank")
    .execute();
  return rows.map((r) => ({
    value: r.value,
    currency: r.currency,
    rows: toNumber(r.rows),
    amountMinor: toBigInt(r.amount),
    ...(options.label ? { label: r.label } : {}),
  }));
}

export interface BreakdownRow extends DimensionTotal {
  /** The currency's total under the filter (what the share is of). */
  readonly currencyTotalMinor: bigint;
  readonly periodMinor: bigint;
  readonly previousPeriodMinor: bigint;
}

/**
 * A dimension's values with rows, amount, the currency's total (for the share) and the
 * amounts in a period and its previous one, largest first, one page. `total` counts the
 * (value, currency) groups.
 */
export async function breakdown(
  db: Db,
  filter: ExpenseFilter,
  dimension: Dimension,
  options: {
    readonly period: { fiscalYear: number; postingPeriod: number } | null;
    readonly previous: { fiscalYear: number; postingPeriod: number } | null;
    readonly offset: number;
    readonly limit: number;
  },
): Promise<{ total: number; rows: BreakdownRow[] }> {
  const inPeriod = (p: { fiscalYear: number; postingPeriod: number } | null) =>
    p
      ? sql<
          string | number
        >`sum(case when general_ledger_fiscal_year = ${p.fiscalYear} and posting_period = ${p.postingPeriod} then amount_minor else 0 end)`
      : sql<number>`0`;
  const src = await sourceOf(db);
  const rows = await db
    .selectFrom(src.table)
    .where((eb) => expenseWhere(eb, filter))
    .select([
      col(dimension).as("value"),
      "company_code_currency_key as currency",
      src.rows.as("rows"),
      sumAmount.as("amount"),
      sql<string | number>`sum(sum(amount_minor)) over (partition by company_code_currency_key)`.as("currency_total"),
      sql<number>`count(*) over ()`.as("groups"),
      inPeriod(options.period).as("in_period"),
      inPeriod(options.previous).as("in_previous"),
    ])
    .groupBy([sql.ref(dimension), "company_code_currency_key"])
    .having(holdsRows(src))
    .orderBy(sql`sum(amount_minor)`, "desc")
    .orderBy(sql.ref(dimension))
    .orderBy("company_code_currency_key")
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  let total = toNumber(rows[0]?.groups);
  if (rows.length === 0 && options.offset > 0) {
    // Past the last page: the window count is not there to read.
    const count = await db
      .selectFrom(
        db
          .selectFrom(src.table)
          .where((eb) => expenseWhere(eb, filter))
          .select(sql<number>`1`.as("one"))
          .groupBy([sql.ref(dimension), "company_code_currency_key"])
          .having(holdsRows(src))
          .as("g"),
      )
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirst();
    total = toNumber(count?.n);
  }
  return {
    total,
    rows: rows.map((r) => ({
      value: r.value,
      currency: r.currency,
      rows: toNumber(r.rows),
      amountMinor: toBigInt(r.amount),
      currencyTotalMinor: toBigInt(r.currency_total),
      periodMinor: toBigInt(r.in_period),
      previousPeriodMinor: toBigInt(r.in_previous),
    })),
  };
}

export interface PeriodTotal {
  readonly fiscalYear: number;
  readonly postingPeriod: number;
  readonly value: string | null;
  readonly currency: string;
  readonly rows: number;
  readonly amountMinor: bigint;
}

/**
 * Totals per fiscal period and currency (and per value of `dimension`, restricted to
 * `values` when given): the months a time series rolls up into quarters and years.
 */
export async function periodTotals(
  db: Db,
  filter: ExpenseFilter,
  by?: { readonly dimension: Dimension; readonly values: readonly (string | null)[] },
): Promise<PeriodTotal[]> {
  const src = await sourceOf(db);
  let query = db
    .selectFrom(src.table)
    .where((eb) => expenseWhere(eb, filter))
    .select([
      "general_ledger_fiscal_year",
      "posting_period",
      "company_code_currency_key as currency",
      src.rows.as("rows"),
      sumAmount.as("amount"),
    ])
    .groupBy(["general_ledger_fiscal_year", "posting_period", "company_code_currency_key"])
    .having(holdsRows(src));
  if (by) {
    const named = by.values.filter((v): v is string => v !== null);
    const withNull = by.values.includes(null);
    query = query
      .select(col(by.dimension).as("value"))
      .groupBy(sql.ref(by.dimension))
      .where((eb) =>
        eb.or([
          ...(named.length > 0 ? [eb(eb.ref(by.dimension), "in", named)] : []),
          ...(withNull ? [eb(eb.ref(by.dimension), "is", null)] : []),
          ...(named.length === 0 && !withNull ? [sql<boolean>`1 = 0`] : []),
        ]),
      );
  }
  const rows = await query.execute();
  return rows.map((r) => {
    const row = r as typeof r & { value?: string | null };
    return {
      fiscalYear: r.general_ledger_fiscal_year,
      postingPeriod: r.posting_period,
      value: row.value ?? null,
      currency: r.currency,
      rows: toNumber(r.rows),
      amountMinor: toBigInt(r.amount),
    };
  });
}

/** The latest regular period (1–12) holding data under the filter. */
export async function latestPeriod(
  db: Db,
  filter: ExpenseFilter,
): Promise<{ fiscalYear: number; postingPeriod: number } | null> {
  if ((await sourceOf(db)).cells) {
    const cell = await db
      .selectFrom(CELLS.table)
      .where((eb) => expenseWhere(eb, filter))
      .where("posting_period", "<=", 12)
      .select(["general_ledger_fiscal_year", "posting_period"])
      .groupBy(["general_ledger_fiscal_year", "posting_period"])
      .having(holdsRows(CELLS))
      .orderBy("general_ledger_fiscal_year", "desc")
      .orderBy("posting_period", "desc")
      .limit(1)
      .executeTakeFirst();
    return cell ? { fiscalYear: cell.general_ledger_fiscal_year, postingPeriod: cell.posting_period } : null;
  }
  const row = await db
    .selectFrom("finance_expense")
    .where((eb) => expenseWhere(eb, filter))
    .where("posting_period", "<=", 12)
    .select(["general_ledger_fiscal_year", "posting_period"])
    .orderBy("general_ledger_fiscal_year", "desc")
    .orderBy("posting_period", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { fiscalYear: row.general_ledger_fiscal_year, postingPeriod: row.posting_period } : null;
}

export async function hasExpenses(db: Db): Promise<boolean> {
  return (await db.selectFrom("finance_expense").select("id").limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Rows per multi-row INSERT: as many as the dialect's parameter limit allows (SQLite
 * 32766, SQL Server 2100) with 34 columns a row.
 */
export function expenseInsertChunk(dialect: SqlDialectName): number {
  return dialect === "mssql" ? 60 : 900;
}

/** One multi-row INSERT (the caller keeps it under the dialect's parameter limit). */
export async function insertExpenses(db: Db, rows: readonly Omit<FinanceExpenseTable, "id">[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto("finance_expense")
      .values([...rows])
      .execute();
}

/** What one chunk's INSERT stored: how many of its lines were new and, for SQL Server, which. */
export interface StoredChunk {
  readonly added: number;
  readonly lines: readonly Omit<FinanceExpenseTable, "id">[];
}

/**
 * Stores a chunk of prepared rows (`columns`' values row after row; imports and seeding),
 * skipping lines whose fingerprint is stored (a re-import, a crashed delivery's rows) or
 * repeated in the chunk. SQLite: one multi-row INSERT whose unique fingerprint index skips
 * what is stored (no lookup beforehand), its text written once per shape (built node by
 * node through the query builder, 900 rows × 34 values were a third of seeding's time).
 * SQL Server: the rows as objects, looked up by fingerprint, then inserted in
 * parameter-capped pieces.
 */
export function expenseChunkWriter(
  dialect: SqlDialectName,
): (db: Db, columns: readonly ExpenseRowColumn[], values: readonly unknown[]) => Promise<StoredChunk> {
  if (dialect === "mssql")
    return async (db, columns, values) => {
      const unique = new Map<string, Omit<FinanceExpenseTable, "id">>();
      for (let at = 0; at < values.length; at += columns.length) {
        const row = Object.fromEntries(EXPENSE_ROW_COLUMNS.map((column) => [column, null])) as Record<string, unknown>;
        columns.forEach((column, i) => (row[column] = values[at + i]));
        const line = row as unknown as Omit<FinanceExpenseTable, "id">;
        unique.set(line.row_fingerprint, line);
      }
      const stored = await storedFingerprints(db, [...unique.keys()]);
      const lines = [...unique.values()].filter((line) => !stored.has(line.row_fingerprint));
      const piece = expenseInsertChunk(dialect);
      for (let at = 0; at < lines.length; at += piece) await insertExpenses(db, lines.slice(at, at + piece));
      return { added: lines.length, lines };
    };
  const statements = new Map<string, string>();
  return async (db, columns, values) => {
    const rows = values.length / columns.length;
    const shape = `${columns.join()}|${rows}`;
    let text = statements.get(shape);
    if (text === undefined) {
      const tuple = `(${columns.map(() => "?").join(", ")})`;
      text = `insert into "finance_expense" (${columns.map((c) => `"${c}"`).join(", ")}) values ${Array(rows)
        .fill(tuple)
        .join(", ")} on conflict ("row_fingerprint") do nothing`;
      statements.set(shape, text);
    }
    const result = await db.executeQuery(CompiledQuery.raw(text, values as unknown[]));
    return { added: Number(result.numAffectedRows ?? 0n), lines: [] };
  };
}

/** Bulk loads holding the wide page cache, per connection (concurrent imports share it). */
const widened = new WeakMap<object, { holders: number; before: number; checkpointBefore: number }>();

/** WAL pages between automatic checkpoints during a bulk load (SQLite's default is 1,000). */
const BULK_CHECKPOINT_PAGES = 32_768;

/**
 * SQLite only: a 256 MB page cache for a bulk load, the connection's own size restored when
 * the last load holding it ends. A million rows grow five indexes (the fingerprint's in
 * random order): with SQLite's default 2 MB cache most index pages were re-read from the file
 * for every chunk, and each chunk cost more as the table grew. The WAL is also checkpointed
 * less often: an import's commit dirties ~2,000 pages of the random fingerprint index, so at
 * SQLite's 1,000-page default every commit was followed by a checkpoint writing (and syncing)
 * the same index pages into the database file again.
 */
export async function widenSqliteCache(db: Db): Promise<{ restore(): Promise<void> }> {
  let held = widened.get(db);
  if (!held) {
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
    const checkpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
    held = {
      holders: 0,
      before: Number(rows[0]?.cache_size ?? -2000),
      checkpointBefore: Number(checkpoint.rows[0]?.wal_autocheckpoint ?? 1000),
    };
    widened.set(db, held);
    await sql`pragma cache_size = -262144`.execute(db);
    await sql.raw(`pragma wal_autocheckpoint = ${BULK_CHECKPOINT_PAGES}`).execute(db);
  }
  held.holders++;
  const state = held;
  let restored = false;
  return {
    restore: async () => {
      if (restored) return;
      restored = true;
      if (--state.holders > 0) return;
      widened.delete(db);
      await sql.raw(`pragma cache_size = ${state.before}`).execute(db);
      await sql.raw(`pragma wal_autocheckpoint = ${state.checkpointBefore}`).execute(db);
    },
  };
}

/** The fingerprints among `fingerprints` already stored (what a re-import must not add again). */
export async function storedFingerprints(db: Db, fingerprints: readonly string[]): Promise<Set<string>> {
  if (fingerprints.length === 0) return new Set();
  const rows = await db
    .selectFrom("finance_expense")
    .select("row_fingerprint")
    .where("row_fingerprint", "in", [...fingerprints])
    .execute();
  return new Set(rows.map((r) => r.row_fingerprint));
}

/** Rows an import added (whichever of its deliveries added them). */
export async function countImported(db: Db, importId: string): Promise<number> {
  const row = await db
    .selectFrom("finance_expense")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("import_id", "=", importId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes out the rows an import added (it failed for good), their cells' sums in the same transaction. */
export async function deleteImported(db: Db, importId: string): Promise<void> {
  const cells = await hasExpenseCells(db);
  await db.transaction().execute(async (trx) => {
    if (cells) await subtractImportCells(trx, importId);
    await trx.deleteFrom("finance_expense").where("import_id", "=", importId).execute();
  });
  if (cells) await compactExpenseCells(db);
}
