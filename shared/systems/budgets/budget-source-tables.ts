export type BudgetSourceType = "sftp" | "blob" | "s3" | "sheets";

/**
 * The seed's BudgetDataSourceConfig: where a customer drops budget files and when to look.
 * Credentials are never here: `secrets_json` holds only Key Vault secret names.
 */
export interface BudgetSourcesTable {
  source_id: string;
  customer_id: string;
  name: string;
  source_type: BudgetSourceType;
  /** Host, folder, pattern, bucket...: the type's settings without credentials, JSON. */
  config_json: string;
  /** Credential name → Key Vault secret name, JSON. */
  secrets_json: string;
  /** Five- or six-field cron expression, UTC. */
  schedule: string;
  enabled: number;
  next_due_at: string;
  /** Held by one poll until then; another instance takes the source only after it. */
  lease_until: string | null;
  last_polled_at: string | null;
  last_status: "ok" | "failed" | null;
  last_error: string | null;
  /** When the repeated-failure alert last went out (once per hour at most). */
  failure_alerted_at: string | null;
  created_at: string;
  updated_at: string;
}

export type SourceFileStatus = "imported" | "held" | "duplicate" | "failed";

/** Every file version a source's poll took: never downloaded or imported twice. */
export interface BudgetSourceFilesTable {
  row_id: string;
  source_id: string;
  customer_id: string;
  /** SHA-256 of remote path, size and modification time: one row per version. */
  version_key: string;
  remote_path: string;
  size_bytes: number;
  modified_at: string;
  content_sha256: string;
  status: SourceFileStatus;
  reason: string | null;
  likely_type: string | null;
  file_id: string | null;
  import_id: string | null;
  seen_at: string;
}

/** One failed poll of a source (connection, listing or download), for the failures-per-hour alert. */
export interface BudgetSourceFailuresTable {
  source_id: string;
  failed_at: string;
  message: string;
}

export interface BudgetSourceTables {
  budget_sources: BudgetSourcesTable;
  budget_source_files: BudgetSourceFilesTable;
  budget_source_failures: BudgetSourceFailuresTable;
}
