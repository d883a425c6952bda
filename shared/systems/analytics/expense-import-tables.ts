/**
 * One queued expense import (issue #20): the job's row, written with its queue message (the
 * job protocol), its progress and outcome. It lives with the platform's jobs; the lines go
 * to finance_expense wherever analytics reads (ANALYTICS_SQL_CONNECTION_STRING or the
 * platform database).
 */
export interface ExpenseImportTable {
  import_id: string;
  file_name: string;
  blob_name: string;
  format: "csv" | "xlsx";
  size_bytes: number;
  /** The confirmed column → field pairs, JSON. */
  mapping_json: string;
  status: "queued" | "processing" | "completed" | "failed";
  attempts: number;
  rows_read: number;
  /** Data rows in the file, known from the upload's analysis. */
  total_rows: number;
  /** Rows that became lines: inserted + duplicates. */
  valid_rows: number;
  inserted_rows: number;
  /** Valid rows whose fingerprint was already stored (an earlier import, or the same line twice). */
  duplicate_rows: number;
  error_rows: number;
  /** The first row errors ({rowNumber, column, value, message}[]), JSON. */
  errors_json: string | null;
  error_message: string | null;
  user_id: string | null;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  completed_at: string | null;
}

export interface ExpenseImportTables {
  expense_imports: ExpenseImportTable;
}
