/**
 * The columns of `finance_expense` that analytics may group and filter by (breakdowns,
 * anomaly peer groups, RCA segments, chat parameters). Free text (reference, header text,
 * PO description) is not a dimension. One list, so every route names the same ones.
 */
export const DIMENSIONS = [
  "ledger",
  "company_code",
  "company_code_currency_key",
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
  "fund",
  "supplier",
  "transaction",
  "level_1",
  "level_7",
  "status",
] as const;

export type Dimension = (typeof DIMENSIONS)[number];

export function isDimension(name: string): name is Dimension {
  return (DIMENSIONS as readonly string[]).includes(name);
}

/** The fiscal period key of a posting: `YYYY-PP`, PP 01–16 (13–16 are special periods). */
export function monthYear(fiscalYear: number, postingPeriod: number): string {
  return `${fiscalYear}-${String(postingPeriod).padStart(2, "0")}`;
}

/** SAP special periods (13–16) hold closing adjustments, not a calendar month. */
export function isSpecialPeriod(postingPeriod: number): boolean {
  return postingPeriod >= 13 && postingPeriod <= 16;
}
