import type { ExpressionBuilder, Expression, SqlBool } from "kysely";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";

/**
 * The filters every analytics route takes: fiscal year, a posting-period range, company
 * code, and equality on any dimension. One shape, applied in SQL by `expenseWhere`.
 */
export interface ExpenseFilter {
  readonly fiscalYear?: number;
  readonly periodFrom?: number;
  readonly periodTo?: number;
  readonly companyCode?: string;
  readonly dimensions?: Readonly<Partial<Record<Dimension, string>>>;
}

type Eb = ExpressionBuilder<AnalyticsTables, "finance_expense">;

/**
 * The filter as one SQL condition on `finance_expense` (true when the filter is empty).
 * `unindexed` wraps each column as coalesce(c, c), the same value, so no index serves the
 * condition: for a query that must find its rows through another index.
 */
export function expenseWhere(
  eb: Eb,
  filter: ExpenseFilter,
  options: { unindexed?: boolean } = {},
): Expression<SqlBool> {
  type Column = "general_ledger_fiscal_year" | "posting_period" | "company_code" | Dimension;
  const c = (name: Column) => (options.unindexed ? eb.fn.coalesce(eb.ref(name), eb.ref(name)) : eb.ref(name));
  const conditions: Expression<SqlBool>[] = [];
  if (filter.fiscalYear !== undefined) conditions.push(eb(c("general_ledger_fiscal_year"), "=", filter.fiscalYear));
  if (filter.periodFrom !== undefined) conditions.push(eb(c("posting_period"), ">=", filter.periodFrom));
  if (filter.periodTo !== undefined) conditions.push(eb(c("posting_period"), "<=", filter.periodTo));
  if (filter.companyCode !== undefined) conditions.push(eb(c("company_code"), "=", filter.companyCode));
  for (const [dimension, value] of Object.entries(filter.dimensions ?? {})) {
    if (value !== undefined) conditions.push(eb(c(dimension as Dimension), "=", value));
  }
  return eb.and(conditions);
}
