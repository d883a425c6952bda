/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC strings
 * (`2026-01-31T12:00:00.000Z`) in fixed-width columns: they sort correctly and read the
 * same on SQLite and SQL Server. Booleans are avoided (bit vs integer); statuses are text.
 */
export type SqlDialectName = "sqlite" | "mssql";

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  /** JSON array of roles. */
  roles: string;
  status: "active" | "disabled";
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** Set when the token was exchanged for a new one. */
  used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface AuditLogTable {
  id: string;
  user_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** JSON object. */
  details: string | null;
  ip_address: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  created_at: string;
}

/** Seed 000's extended project entity (SQL-only fields); `version` drives ETags. */
export interface ProjectsTable {
  project_id: string;
  sap_project_code: string;
  project_name: string | null;
  status: string | null;
  custom_field_1: string | null;
  custom_field_2: string | null;
  /** Minor units; SQL Server's bigint arrives as a string, SQLite's as a number. */
  total_cost_minor: string | number | bigint | null;
  cost_currency: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface BillingEntriesTable {
  entry_id: string;
  project_id: string;
  saga_id: string | null;
  kind: string;
  pep: string | null;
  amount_minor: string | number | bigint;
  currency: string;
  billing_date: string;
  description: string;
  status: "PENDING" | "ACTIVE";
  created_at: string;
  updated_at: string;
}

export type SagaStatus = "IN_PROGRESS" | "SUCCESS" | "FAILED" | "ROLLED_BACK" | "COMPENSATION_FAILED";
export type SagaStep = "STARTED" | "SQL_APPLIED" | "SAP_APPLIED" | "COMPLETED" | "COMPENSATED";

export interface SagaTransactionsTable {
  saga_id: string;
  project_id: string;
  operation_type: string;
  step: SagaStep;
  status: SagaStatus;
  /** JSON documents. */
  sql_state_before: string | null;
  sql_state_after: string | null;
  sap_result: string | null;
  error: string | null;
  idempotency_key: string;
  request_hash: string;
  request_json: string;
  /** The first answer, replayed for the same Idempotency-Key: {status, body}. */
  response_json: string | null;
  created_by: string | null;
  attempts: number;
  /** Whoever runs the saga holds it until then; recovery takes over only after. */
  claimed_until: string;
  created_at: string;
  updated_at: string;
}

export interface ReconciliationRunsTable {
  run_id: string;
  mode: "full" | "incremental";
  trigger_source: "timer" | "manual";
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "SKIPPED";
  requested_by: string | null;
  watermark_from: string | null;
  watermark_to: string | null;
  projects_checked: number;
  sap_calls: number;
  inconsistencies_found: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ReconciliationStateTable {
  name: string;
  /** SAP's change stamp (YYYYMMDDhhmmss UTC) the next incremental pass starts from. */
  sap_watermark: string | null;
  /** billing_entries.updated_at the next incremental pass starts from. */
  sql_watermark: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

export interface BillingInconsistenciesTable {
  inconsistency_id: string;
  project_id: string;
  run_id: string;
  status: "OPEN" | "RESOLVED" | "REPAIRED";
  /** Hash of the differences: the same drift is reported once. */
  fingerprint: string;
  /** JSON documents. */
  sap_state: string;
  sql_state: string;
  differences: string;
  proposal: string;
  detected_at: string;
  last_seen_at: string;
  alerted_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

export type ReportStatus = "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED";

export interface ReportRequestsTable {
  report_id: string;
  requested_by: string;
  requested_by_name: string;
  report_type: string;
  format: string;
  /** The validated request (projectIds, options), JSON. */
  request_json: string;
  status: ReportStatus;
  progress: number;
  attempts: number;
  error: string | null;
  blob_name: string | null;
  size_bytes: string | number | bigint | null;
  row_count: number | null;
  queued_at: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export type BackupStatus = "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED";

export interface BackupsTable {
  backup_id: string;
  trigger_source: "manual" | "scheduled";
  requested_by: string | null;
  /** JSON array, null for all projects. */
  project_ids: string | null;
  status: BackupStatus;
  progress: number;
  attempts: number;
  error: string | null;
  blob_name: string | null;
  schema_hash: string | null;
  project_count: number | null;
  record_count: number | null;
  sha256: string | null;
  size_bytes: string | number | bigint | null;
  verified_at: string | null;
  verification_status: "PASSED" | "FAILED" | null;
  verification_error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface DatabaseSchema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  audit_log: AuditLogTable;
  projects: ProjectsTable;
  billing_entries: BillingEntriesTable;
  saga_transactions: SagaTransactionsTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_state: ReconciliationStateTable;
  billing_inconsistencies: BillingInconsistenciesTable;
  report_requests: ReportRequestsTable;
  backups: BackupsTable;
  esg_runs: EsgRunsTable;
  esg_run_accounts: EsgRunAccountsTable;
  esg_batches: EsgBatchesTable;
  esg_latest_ratings: EsgLatestRatingsTable;
  esg_alerts: EsgAlertsTable;
}

export type EsgRunStatus = "QUEUED" | "LISTING" | "RUNNING" | "ASSEMBLING" | "COMPLETED" | "TIMED_OUT" | "FAILED";
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
