import type { Generated } from "kysely";
import type { ChatTables } from "./chat-tables.js";

/**
 * One posted expense line (the seed's `finance_expense`). Money is exact: the document
 * currency value in minor units as posted (always ≥ 0) and `amount_minor`, signed by the
 * debit/credit indicator (S = debit, +; H = credit, −). `month_year` is the fiscal period
 * key `YYYY-PP` (PP 01–16; 13–16 are SAP special periods).
 */
export interface FinanceExpenseTable {
  id: Generated<number>;
  posting_period: number;
  ledger: string | null;
  company_code: string;
  company_code_currency_key: string;
  company_code_currency_value_minor: number;
  debit_credit_ind: "S" | "H";
  amount_minor: number;
  account_type: string | null;
  region: string | null;
  profit_center_id: string | null;
  profit_center_name: string | null;
  cost_center_id: string | null;
  cost_center_name: string | null;
  directorate: string | null;
  entity: string | null;
  remapping_directorate: string | null;
  functional_area: string | null;
  functional_area_name: string | null;
  general_ledger_account: string | null;
  general_ledger_account_name: string | null;
  general_ledger_fiscal_year: number;
  fund: string | null;
  supplier: string | null;
  reference: string | null;
  document_header_text: string | null;
  po_description: string | null;
  transaction: string | null;
  level_1: string | null;
  level_7: string | null;
  status: string | null;
  month_year: string;
  /** SHA-256 of the row's business content: a re-import adds nothing twice. */
  row_fingerprint: string;
  /** The import that brought the row (null for the seeded dataset). */
  import_id: string | null;
  loaded_at: string;
}

/**
 * `finance_expense` pre-aggregated (migration 0024): sums per fiscal year, period and every
 * dimension, kept in step with the fact table inside each write's transaction
 * (`expense-cells-repository.ts`). A cell may appear more than once (a write appends its delta; a
 * compaction merges them), so readers always group and sum.
 */
export interface FinanceExpenseCellTable {
  id: Generated<number>;
  general_ledger_fiscal_year: number;
  posting_period: number;
  ledger: string | null;
  company_code: string;
  company_code_currency_key: string;
  account_type: string | null;
  region: string | null;
  profit_center_id: string | null;
  profit_center_name: string | null;
  cost_center_id: string | null;
  cost_center_name: string | null;
  directorate: string | null;
  entity: string | null;
  remapping_directorate: string | null;
  functional_area: string | null;
  functional_area_name: string | null;
  general_ledger_account: string | null;
  general_ledger_account_name: string | null;
  fund: string | null;
  supplier: string | null;
  transaction: string | null;
  level_1: string | null;
  level_7: string | null;
  status: string | null;
  /** Rows of the cell (negative in a delta that takes rows out). */
  row_count: number;
  /** Σ amount_minor, and its positive (debit) and negative (credit) parts. */
  amount_minor: number;
  debit_minor: number;
  credit_minor: number;
}

export interface AnalyticsTables extends ChatTables {
  finance_expense: FinanceExpenseTable;
  finance_expense_cells: FinanceExpenseCellTable;
}
