import type { Kysely } from "kysely";
import { currencyExponent, divideRounded, formatDecimal, isKnownCurrency } from "../../kernel/money.js";
import { isSpecialPeriod, monthYear, type Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import type { ExpenseFilter } from "./expense-filter.js";
import {
  breakdown,
  duplicateGroups,
  latestPeriod,
  missingKeys,
  periodCells,
  periodTotals,
  topValues,
  type KeyColumn,
} from "./expense-repository.js";

/** Money on the wire: a decimal string in its own currency; amounts of two currencies are never added. */
export interface WireMoney {
  readonly currency: string;
  readonly amount: string;
}

const decimals = (currency: string) => (isKnownCurrency(currency) ? currencyExponent(currency) : 2);
export const money = (minor: bigint, currency: string): WireMoney => ({
  currency,
  amount: formatDecimal(minor, decimals(currency)),
});
/** part / whole as a percentage with two decimals, or null when the whole is zero. */
export const percent = (part: bigint, whole: bigint): string | null =>
  whole === 0n ? null : formatDecimal(divideRounded(part * 10_000n, whole < 0n ? -whole : whole), 2);

/** The dimensions the summary ranks. */
export const SUMMARY_DIMENSIONS: readonly Dimension[] = [
  "functional_area",
  "cost_center_id",
  "supplier",
  "directorate",
];

export interface FiscalPeriod {
  readonly fiscalYear: number;
  readonly postingPeriod: number;
}

/**
 * The one posting period a breakdown compares with: the one before (period 12 for a special
 * period, 12 of last year for 1). Not `rangeBefore` of chat, which steps a whole range back.
 */
export function postingPeriodBefore(p: FiscalPeriod): FiscalPeriod {
  if (isSpecialPeriod(p.postingPeriod)) return { fiscalYear: p.fiscalYear, postingPeriod: 12 };
  if (p.postingPeriod === 1) return { fiscalYear: p.fiscalYear - 1, postingPeriod: 12 };
  return { fiscalYear: p.fiscalYear, postingPeriod: p.postingPeriod - 1 };
}

export type Granularity = "month" | "quarter" | "fiscal_year";
export const GRANULARITIES: readonly Granularity[] = ["month", "quarter", "fiscal_year"];

/** The bucket of a period: `YYYY-PP`, `YYYY-Qn` (special periods close the year: Q4) or `YYYY`. */
export function bucketOf(p: FiscalPeriod, granularity: Granularity): string {
  if (granularity === "fiscal_year") return String(p.fiscalYear);
  if (granularity === "quarter") return `${p.fiscalYear}-Q${Math.min(4, Math.ceil(p.postingPeriod / 3))}`;
  return monthYear(p.fiscalYear, p.postingPeriod);
}

/** Exploratory data analysis over finance_expense: summary, breakdowns, time series. */
export class Exploration {
  readonly #db: Kysely<AnalyticsTables>;

  constructor(db: Kysely<AnalyticsTables>) {
    this.#db = db;
  }

  async summary(filter: ExpenseFilter, options: { readonly top: number }) {
    const db = this.#db;
    const cells = await periodCells(db, filter);
    const byCurrency = new Map<string, { rows: number; amount: bigint; debit: bigint; credit: bigint }>();
    const periods = new Map<string, FiscalPeriod>();
    const companyPeriods = new Map<string, Set<string>>();
    for (const c of cells) {
      const t = byCurrency.get(c.currency) ?? { rows: 0, amount: 0n, debit: 0n, credit: 0n };
      t.rows += c.rows;
      t.amount += c.amountMinor;
      t.debit += c.debitMinor;
      t.credit += c.creditMinor;
      byCurrency.set(c.currency, t);
      const key = monthYear(c.fiscalYear, c.postingPeriod);
      periods.set(key, { fiscalYear: c.fiscalYear, postingPeriod: c.postingPeriod });
      const seen = companyPeriods.get(c.companyCode) ?? new Set<string>();
      seen.add(key);
      companyPeriods.set(c.companyCode, seen);
    }
    const currencies = [...byCurrency.keys()].sort();
    const covered = [...periods.entries()].sort(([a], [b]) => a.localeCompare(b));
    const fiscalYears = [...new Set(covered.map(([, p]) => p.fiscalYear))].sort((a, b) => a - b);
    // Regular periods (1–12) in the filter's range with no postings, per company code.
    const from = Math.max(1, filter.periodFrom ?? 1);
    const to = Math.min(12, filter.periodTo ?? 12);
    const periodsWithoutData: { companyCode: string; monthYear: string }[] = [];
    for (const [companyCode, seen] of [...companyPeriods.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const year of fiscalYears) {
        for (let p = from; p <= to; p++) {
          const key = monthYear(year, p);
          if (!seen.has(key)) periodsWithoutData.push({ companyCode, monthYear: key });
        }
      }
    }
    const missing = await missingKeys(db, filter);
    const duplicates = await duplicateGroups(db, filter, 10);
    const topDimensions = [];
    for (const dimension of SUMMARY_DIMENSIONS) {
      const values = await topValues(db, filter, dimension, options.top);
      topDimensions.push({
        dimension,
        values: values.map((v) => ({ value: v.value, rows: v.rows, ...money(v.amountMinor, v.currency) })),
      });
    }
    const rows = [...byCurrency.values()].reduce((n, t) => n + t.rows, 0);
    const findings: { kind: string; count: number; message: string }[] = [];
    for (const [column, count] of Object.entries(missing) as [KeyColumn, number][]) {
      if (count > 0) findings.push({ kind: "missing_key", count, message: `${count} rows have no ${column}` });
    }
    if (duplicates.groups > 0) {
      findings.push({
        kind: "possible_duplicates",
        count: duplicates.groups,
        message: `${duplicates.groups} groups (${duplicates.rows} rows) agree on company, reference, period, cost center, account, supplier and amount`,
      });
    }
    if (currencies.length > 1) {
      findings.push({
        kind: "mixed_currencies",
        count: currencies.length,
        message: `amounts in ${currencies.join(", ")}: totals are per currency, never added together`,
      });
    }
    if (periodsWithoutData.length > 0) {
      findings.push({
        kind: "periods_without_data",
        count: periodsWithoutData.length,
        message: `${periodsWithoutData.length} company periods have no postings`,
      });
    }
    return {
      rows,
      currencies,
      totals: currencies.map((currency) => {
        const t = byCurrency.get(currency)!;
        return {
          currency,
          rows: t.rows,
          amount: money(t.amount, currency).amount,
          debit: money(t.debit, currency).amount,
          credit: money(t.credit, currency).amount,
        };
      }),
      fiscalYears,
      periods: {
        first: covered[0]?.[0] ?? null,
        last: covered.at(-1)?.[0] ?? null,
        covered: covered.map(([key, p]) => ({ monthYear: key, special: isSpecialPeriod(p.postingPeriod) })),
      },
      topDimensions,
      dataQuality: {
        findings,
        missingKeys: missing,
        duplicates: {
          groups: duplicates.groups,
          rows: duplicates.rows,
          examples: duplicates.top.map((d) => ({
            companyCode: d.companyCode,
            reference: d.reference,
            monthYear: monthYear(d.fiscalYear, d.postingPeriod),
            rows: d.rows,
            ...money(d.amountMinor, d.currency),
          })),
        },
        mixedCurrencies: currencies.length > 1,
        periodsWithoutData,
      },
    };
  }

  /** The latest regular period holding data under the filter (what a breakdown compares by default). */
  latestPeriod(filter: ExpenseFilter): Promise<FiscalPeriod | null> {
    return latestPeriod(this.#db, filter);
  }

  async breakdown(
    filter: ExpenseFilter,
    dimension: Dimension,
    options: { readonly period?: FiscalPeriod; readonly page: number; readonly pageSize: number },
  ) {
    const period = options.period ?? (await this.latestPeriod(filter));
    const previous = period ? postingPeriodBefore(period) : null;
    const { total, rows } = await breakdown(this.#db, filter, dimension, {
      period,
      previous,
      offset: (options.page - 1) * options.pageSize,
      limit: options.pageSize,
    });
    const items = rows.map((r) => ({
      value: r.value,
      currency: r.currency,
      rows: r.rows,
      amount: money(r.amountMinor, r.currency).amount,
      average: money(r.rows === 0 ? 0n : divideRounded(r.amountMinor, BigInt(r.rows)), r.currency).amount,
      sharePct: percent(r.amountMinor, r.currencyTotalMinor),
      periodAmount: money(r.periodMinor, r.currency).amount,
      previousPeriodAmount: money(r.previousPeriodMinor, r.currency).amount,
      changePct: percent(r.periodMinor - r.previousPeriodMinor, r.previousPeriodMinor),
    }));
    return {
      dimension,
      period: period ? monthYear(period.fiscalYear, period.postingPeriod) : null,
      previousPeriod: previous ? monthYear(previous.fiscalYear, previous.postingPeriod) : null,
      items,
      total,
    };
  }

  async timeseries(
    filter: ExpenseFilter,
    options: { readonly granularity: Granularity; readonly dimension?: Dimension; readonly top: number },
  ) {
    const db = this.#db;
    let by: { dimension: Dimension; values: (string | null)[] } | undefined;
    if (options.dimension) {
      const top = await topValues(db, filter, options.dimension, options.top);
      by = { dimension: options.dimension, values: [...new Set(top.map((t) => t.value))] };
    }
    const totals = await periodTotals(db, filter, by);
    type Point = { rows: number; amount: bigint };
    const series = new Map<string, { value: string | null; currency: string; points: Map<string, Point> }>();
    for (const t of totals) {
      const key = JSON.stringify([t.value, t.currency]);
      const s = series.get(key) ?? { value: t.value, currency: t.currency, points: new Map<string, Point>() };
      const bucket = bucketOf(t, options.granularity);
      const point = s.points.get(bucket) ?? { rows: 0, amount: 0n };
      point.rows += t.rows;
      point.amount += t.amountMinor;
      s.points.set(bucket, point);
      series.set(key, s);
    }
    return {
      granularity: options.granularity,
      dimension: options.dimension ?? null,
      series: [...series.values()]
        .sort((a, b) => a.currency.localeCompare(b.currency) || String(a.value).localeCompare(String(b.value)))
        .map((s) => ({
          value: s.value,
          currency: s.currency,
          points: [...s.points.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([periodKey, p]) => ({
              period: periodKey,
              special: options.granularity === "month" && Number(periodKey.slice(5)) > 12,
              rows: p.rows,
              amount: money(p.amount, s.currency).amount,
            })),
        })),
    };
  }
}
