export type EsgRunStatus = "QUEUED" | "LISTING" | "RUNNING" | "ASSEMBLING" | "COMPLETED" | "TIMED_OUT" | "FAILED";

/** Still taking accounts (ASSEMBLING is past that, not yet final). */
export const ACTIVE: readonly EsgRunStatus[] = ["QUEUED", "LISTING", "RUNNING"];

export const FINAL: readonly EsgRunStatus[] = ["COMPLETED", "TIMED_OUT", "FAILED"];

export type EsgTrigger = "SCHEDULED" | "MANUAL_FULL" | "MANUAL_ACCOUNTS";

/** As written in the file's Processing Status column; PENDING until the account is done. */
export type EsgAccountStatus = "PENDING" | "Successful" | "Failed" | "Partial";

export interface EsgRunsTable {
  run_id: string;
  run_date: string;
  trigger_source: EsgTrigger;
  requested_by: string | null;
  requested_account_ids: string | null;
  status: EsgRunStatus;
  active_full: number | null;
  list_cursor: string | null;
  list_complete: number;
  accounts_listed: number;
  duplicates_skipped: number;
  timed_out: number;
  list_queued_at: string | null;
  deadline_at: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  file_blob: string | null;
  error_file_blob: string | null;
  summary_blob: string | null;
  summary_json: string | null;
  error: string | null;
}

/** Scores are hundredths (7245 = 72.45). */
export interface EsgScoreColumns {
  overall: number | null;
  environmental: number | null;
  social: number | null;
  governance: number | null;
  primary_focus: string | null;
  primary_focus_score: number | null;
  analysis_date: string | null;
}

export interface EsgRunAccountsTable extends EsgScoreColumns {
  run_id: string;
  account_id: string;
  seq: number;
  batch_no: number;
  account_name: string;
  status: EsgAccountStatus;
  reused: number;
  error: string | null;
  completed_at: string | null;
}

export interface EsgBatchesTable {
  run_id: string;
  batch_no: number;
  status: "PENDING" | "DONE";
  queued_at: string | null;
  leased_until: string | null;
  completed_at: string | null;
}

export interface EsgLatestRatingsTable extends EsgScoreColumns {
  account_id: string;
  etag: string | null;
  status: "Successful" | "Partial";
  note: string | null;
  fetched_at: string;
}

export interface EsgAlertsTable {
  alert_key: string;
  raised_at: string;
}

/** The tables this system owns, as Kysely sees them. */
export interface EsgTables {
  esg_runs: EsgRunsTable;
  esg_run_accounts: EsgRunAccountsTable;
  esg_batches: EsgBatchesTable;
  esg_latest_ratings: EsgLatestRatingsTable;
  esg_alerts: EsgAlertsTable;
}
