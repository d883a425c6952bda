import type { EsgAccountStatus } from "./esg-tables.js";
import { csvRecord } from "../../kernel/csv.js";
import { formatHundredths } from "./esg-rating.js";

/** The file's columns, exactly as seed 001 names them. */
export const ESG_FILE_COLUMNS = [
  "Account ID",
  "Account Name",
  "Overall ESG Score",
  "Environmental Score",
  "Social Score",
  "Governance Score",
  "Primary ESG Focus",
  "Primary Focus Score",
  "Analysis Date",
  "Processing Status",
] as const;

export const ESG_ERROR_FILE_COLUMNS = ["Account ID", "Error Message", "Timestamp"] as const;

export interface EsgFileRow {
  readonly account_id: string;
  readonly account_name: string;
  readonly status: EsgAccountStatus;
  readonly overall: number | null;
  readonly environmental: number | null;
  readonly social: number | null;
  readonly governance: number | null;
  readonly primary_focus: string | null;
  readonly primary_focus_score: number | null;
  readonly analysis_date: string | null;
}

const NA = "N/A";
const score = (v: number | null) => (v === null ? NA : formatHundredths(v));

/** One account's line: scores with two decimals; N/A for what failed or is missing. */
export function esgFileRecord(row: EsgFileRow): string {
  // An account still pending when the file is written did not finish: it is Failed.
  const status = row.status === "PENDING" ? "Failed" : row.status;
  if (status === "Failed") return csvRecord([row.account_id, row.account_name, NA, NA, NA, NA, NA, NA, NA, "Failed"]);
  return csvRecord([
    row.account_id,
    row.account_name,
    score(row.overall),
    score(row.environmental),
    score(row.social),
    score(row.governance),
    row.primary_focus ?? NA,
    score(row.primary_focus_score),
    row.analysis_date ?? NA,
    status,
  ]);
}

export const esgFileHeader = () => csvRecord(ESG_FILE_COLUMNS);
export const esgErrorFileHeader = () => csvRecord(ESG_ERROR_FILE_COLUMNS);
export const esgErrorRecord = (accountId: string, message: string, timestamp: string) =>
  csvRecord([accountId, message, timestamp]);

/**
 * File names of a run: the day's file `FirmESGRatings_YYYYMMDD.csv` and its companions
 * (`_errors.csv`, `_summary.json`) for the scheduled and full runs. A manual run of named
 * accounts (pass its run id) gets `FirmESGRatings_Manual_YYYYMMDD_<first 8 characters of
 * the run id>`, so a download of it can never be taken for, nor overwrite, the day's file.
 */
export function esgFileNames(runDate: string, manualRunId?: string): { file: string; errors: string; summary: string } {
  const stamp = runDate.replaceAll("-", "");
  const stem =
    manualRunId === undefined ? `FirmESGRatings_${stamp}` : `FirmESGRatings_Manual_${stamp}_${manualRunId.slice(0, 8)}`;
  return { file: `${stem}.csv`, errors: `${stem}_errors.csv`, summary: `${stem}_summary.json` };
}
