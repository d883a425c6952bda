/** An analyzed upload: kept (blob) for its import, or only its fingerprint and verdict when refused as personal data. */
export interface BudgetFilesTable {
  file_id: string;
  customer_id: string;
  content_sha256: string;
  file_name: string;
  size_bytes: number;
  /** null once purged (payroll) or never stored. */
  blob_name: string | null;
  format: string;
  likely_type: string;
  can_proceed: number;
  /** The analyze answer's fileTypeDetection, JSON. */
  verdict_json: string;
  header_key: string;
  /** Data rows analyze counted; null for files analyzed before it was kept. */
  row_count: number | null;
  status: "analyzed" | "purged";
  created_by: string | null;
  created_at: string;
}

/** queued and processing: a large file's import running as a job (BUDGETS_QUEUED_IMPORT_MIN_BYTES). */
export type BudgetImportStatus = "queued" | "processing" | "dry_run" | "awaiting_approval" | "completed" | "failed";

/** The seed's ImportHistory, with the mapping used and the staged diff's counts. */
export interface BudgetImportsTable {
  import_id: string;
  customer_id: string;
  user_id: string | null;
  file_id: string | null;
  file_name: string;
  source_type: string;
  status: BudgetImportStatus;
  mapping_json: string;
  header_key: string | null;
  total_rows: number;
  success_rows: number;
  error_rows: number;
  /** Lines added, changed, removed against the budget when staged, JSON. */
  diff_json: string | null;
  error_message: string | null;
  created_at: string;
  completed_at: string | null;
  committed_by: string | null;
  /** 1: only check and count, never commit. */
  dry_run: number;
  /** Deliveries that started the job; the current one's number fences out an older one still running. */
  attempts: number;
  /** Progress of the current attempt: rows read from the file, lines staged. */
  rows_read: number;
  rows_staged: number;
  started_at: string | null;
  updated_at: string | null;
  /** The data source a polled file came from (source_type is then its type); null for uploads. */
  source_id: string | null;
  source_name: string | null;
}

/** A budget line as the import will set it, staged until the import is committed. */
export interface BudgetImportLinesTable {
  import_id: string;
  line_key: string;
  department: string;
  sub_category: string;
  fiscal_period: string;
  cost_center: string;
  currency: string;
  amount_minor: string | number | bigint;
  row_number: number;
  /** The id the line gets if the commit adds it (the budget keeps an existing line's id). */
  budget_id: string | null;
}

/** One problem of one row: row number, column, value, message. */
export interface BudgetImportErrorsTable {
  import_id: string;
  seq: number;
  row_number: number;
  column_name: string;
  value: string;
  message: string;
}

/** A customer's confirmed mapping for a header shape, versioned; the newest is proposed first. */
export interface BudgetLearnedMappingsTable {
  customer_id: string;
  header_key: string;
  version: number;
  mapping_json: string;
  import_id: string;
  created_at: string;
}

export interface BudgetImportTables {
  budget_files: BudgetFilesTable;
  budget_imports: BudgetImportsTable;
  budget_import_lines: BudgetImportLinesTable;
  budget_import_errors: BudgetImportErrorsTable;
  budget_learned_mappings: BudgetLearnedMappingsTable;
}
