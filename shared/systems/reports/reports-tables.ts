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
  /** What the finished report could not show, as a JSON array of sentences; null before it finishes. */
  warnings_json: string | null;
  blob_name: string | null;
  size_bytes: string | number | bigint | null;
  row_count: number | null;
  queued_at: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/** The tables this system owns, as Kysely sees them. */
export interface ReportsTables {
  report_requests: ReportRequestsTable;
}
