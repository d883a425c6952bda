/**
 * The aggregates the charts draw, pushed down to SQL (group by and sums in the database).
 *
 * STAND-IN: these are the minimum chart aggregates, written here because the EDA queries of
 * h-analytics-data (expense-queries.ts) were not committed when the charts were built. When
 * they land, `chartAggregates` should call them instead; the chart specs do not change.
 */
import { sql, type Kysely } from "kysely";
import { currencyExponent, formatDecimal, isKnownCurrency } from "../../kernel/money.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { expenseWhere, type ExpenseFilter } from "./expense-filter.js";

type Db = Kysely<AnalyticsTables>;

/** SQLite returns sums as numbers, Azure SQL bigint sums as strings: exact either way. */
const minorOf = (value: string | number | bigint | null): bigint =>
  typeof value === "bigint" ? value : BigInt(value ?? 0);

/** A money sum as the exact decimal string of its currency (two decimals for a code we do not know). */
export function decimalAmount(minor: bigint, currency: string): string {
  return formatDecimal(minor, isKnownCurrency(currency) ? currencyExponent(currency) : 2);
}

/** The decimal as a chart value. Charts plot numbers; sums stay exact until this point. */
export const chartNumber = (minor: bigint, currency: string) => Number(decimalAmount(minor, currency));

/** Currencies of the filtered lines, the most used first: charts show one currency at a time. */
export async function currenciesForCharts(db: Db, filter: ExpenseFilter): Promise<string[]> {
  const rows = await db
    .selectFrom("finance_expense")
    .select((eb) => ["company_code_currency_key as currency", eb.fn.countAll<number>().as("lines")])
    .where((eb) => expenseWhere(eb, filter))
    .groupBy("company_code_currency_key")
    .orderBy("lines", "desc")
    .orderBy("company_code_currency_key")
    .limit(50)
    .execute();
  return rows.map((r) => r.currency);
}

export interface PeriodTotal {
  readonly monthYear: string;
  readonly totalMinor: bigint;
  readonly lines: number;
}

/** Signed totals per fiscal period key (`YYYY-PP`), in period order. The filter names one currency. */
export async function periodTotalsForCharts(db: Db, filter: ExpenseFilter, maxPeriods: number): Promise<PeriodTotal[]> {
  const rows = await db
    .selectFrom("finance_expense")
    .select((eb) => ["month_year", eb.fn.sum<number>("amount_minor").as("total"), eb.fn.countAll<number>().as("lines")])
    .where((eb) => expenseWhere(eb, filter))
    .groupBy("month_year")
    .orderBy("month_year")
    .limit(maxPeriods)
    .execute();
  return rows.map((r) => ({ monthYear: r.month_year, totalMinor: minorOf(r.total), lines: Number(r.lines) }));
}

export interface DimensionTotal {
  /** null: lines without a value of the dimension. */
  readonly value: string | null;
  readonly totalMinor: bigint;
  readonly lines: number;
}

/**
 * The `top` values of a dimension by signed total (largest first), and what the other values
 * add up to, so the shares of the chart still sum to the filtered total.
 */
export async function dimensionTotalsForCharts(
  db: Db,
  dimension: Dimension,
  filter: ExpenseFilter,
  top: number,
): Promise<{ top: DimensionTotal[]; other: DimensionTotal | null }> {
  const column = sql.ref<string | null>(dimension);
  const rows = await db
    .selectFrom("finance_expense")
    .select((eb) => [
      column.as("value"),
      eb.fn.sum<number>("amount_minor").as("total"),
      eb.fn.countAll<number>().as("lines"),
    ])
    .where((eb) => expenseWhere(eb, filter))
    .groupBy(column)
    .orderBy("total", "desc")
    .orderBy(column)
    .limit(top)
    .execute();
  const all = await db
    .selectFrom("finance_expense")
    .select((eb) => [eb.fn.sum<number>("amount_minor").as("total"), eb.fn.countAll<number>().as("lines")])
    .where((eb) => expenseWhere(eb, filter))
    .executeTakeFirstOrThrow();
  const shown = rows.map((r) => ({ value: r.value, totalMinor: minorOf(r.total), lines: Number(r.lines) }));
  const otherLines = Number(all.lines) - shown.reduce((n, r) => n + r.lines, 0);
  const otherMinor = minorOf(all.total) - shown.reduce((n, r) => n + r.totalMinor, 0n);
  return { top: shown, other: otherLines > 0 ? { value: null, totalMinor: otherMinor, lines: otherLines } : null };
}

export interface CostCenterPeriodTotal {
  readonly costCenterId: string | null;
  readonly costCenterName: string | null;
  readonly monthYear: string;
  readonly totalMinor: bigint;
  readonly lines: number;
}

/**
 * Totals per cost center and period for the `top` cost centers by absolute spend: the
 * heatmap's cells and the anomaly scatter's points. Two grouped queries, never the rows.
 */
export async function costCenterPeriodTotalsForCharts(
  db: Db,
  filter: ExpenseFilter,
  top: number,
): Promise<CostCenterPeriodTotal[]> {
  const ranked = await db
    .selectFrom("finance_expense")
    .select((eb) => ["cost_center_id", eb.fn.sum<number>(sql`abs(amount_minor)`).as("spend")])
    .where((eb) => expenseWhere(eb, filter))
    .where("cost_center_id", "is not", null)
    .groupBy("cost_center_id")
    .orderBy("spend", "desc")
    .orderBy("cost_center_id")
    .limit(top)
    .execute();
  const ids = ranked.map((r) => r.cost_center_id!);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("finance_expense")
    .select((eb) => [
      "cost_center_id",
      eb.fn.max("cost_center_name").as("cost_center_name"),
      "month_year",
      eb.fn.sum<number>("amount_minor").as("total"),
      eb.fn.countAll<number>().as("lines"),
    ])
    .where((eb) => expenseWhere(eb, filter))
    .where("cost_center_id", "in", ids)
    .groupBy(["cost_center_id", "month_year"])
    .orderBy("cost_center_id")
    .orderBy("month_year")
    .execute();
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows
    .map((r) => ({
      costCenterId: r.cost_center_id,
      costCenterName: r.cost_center_name,
      monthYear: r.month_year,
      totalMinor: minorOf(r.total),
      lines: Number(r.lines),
    }))
    .sort((a, b) => order.get(a.costCenterId!)! - order.get(b.costCenterId!)! || (a.monthYear < b.monthYear ? -1 : 1));
}
