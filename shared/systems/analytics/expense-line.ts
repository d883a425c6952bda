import { createHash } from "node:crypto";
import { monthYear } from "./analytics-dimensions.js";
import type { FinanceExpenseTable } from "./analytics-tables.js";

/**
 * The business content of one posted expense line, as a source (import file, synthetic
 * dataset) supplies it: every `finance_expense` column except the derived ones
 * (`amount_minor`, `month_year`) and the load bookkeeping (id, fingerprint, import, time).
 */
export type ExpenseLine = Omit<
  FinanceExpenseTable,
  "id" | "amount_minor" | "month_year" | "row_fingerprint" | "import_id" | "loaded_at"
>;

/** The content columns in a fixed order: the fingerprint hashes them in this order. */
export const EXPENSE_LINE_FIELDS = [
  "posting_period",
  "ledger",
  "company_code",
  "company_code_currency_key",
  "company_code_currency_value_minor",
  "debit_credit_ind",
  "account_type",
  "region",
  "profit_center_id",
  "profit_center_name",
  "cost_center_id",
  "cost_center_name",
  "directorate",
  "entity",
  "remapping_directorate",
  "functional_area",
  "functional_area_name",
  "general_ledger_account",
  "general_ledger_account_name",
  "general_ledger_fiscal_year",
  "fund",
  "supplier",
  "reference",
  "document_header_text",
  "po_description",
  "transaction",
  "level_1",
  "level_7",
  "status",
] as const satisfies readonly (keyof ExpenseLine)[];

/**
 * The first 128 bits of the SHA-256 of the line's content, in hex: two loads of the same
 * posting give the same value, so the unique index on `row_fingerprint` keeps a re-import
 * from adding it twice (migration 0027 shortened the stored ones).
 */
export function expenseFingerprint(line: ExpenseLine): string {
  return createHash("sha256")
    .update(JSON.stringify(EXPENSE_LINE_FIELDS.map((field) => line[field] ?? null)))
    .digest()
    .toString("hex", 0, 16);
}

/** The stored row: amount signed by the debit/credit indicator (S +, H −), period key, fingerprint. */
export function toExpenseRow(
  line: ExpenseLine,
  load: { readonly importId: string | null; readonly loadedAt: string },
): Omit<FinanceExpenseTable, "id"> {
  const value = line.company_code_currency_value_minor;
  // Object.assign, not `{ ...line, more }`: on Node 20 (V8 11) a spread followed by more
  // keys sends every row to the old generation (docs/architecture.md, hot paths).
  return Object.assign(
    {
      amount_minor: line.debit_credit_ind === "H" && value !== 0 ? -value : value,
      month_year: monthYear(line.general_ledger_fiscal_year, line.posting_period),
      row_fingerprint: expenseFingerprint(line),
      import_id: load.importId,
      loaded_at: load.loadedAt,
    },
    line,
  );
}

/** Every stored column but the id, in a fixed order. */
export const EXPENSE_ROW_COLUMNS = [
  ...EXPENSE_LINE_FIELDS,
  "amount_minor",
  "month_year",
  "row_fingerprint",
  "import_id",
  "loaded_at",
] as const satisfies readonly (keyof Omit<FinanceExpenseTable, "id">)[];

export type ExpenseRowColumn = (typeof EXPENSE_ROW_COLUMNS)[number];
