/** The seed's job statuses. */
export type InvoiceJobStatus = "pending" | "running" | "completed" | "failed";
export type InvoiceJobType = "scheduled" | "manual" | "replay";
/**
 * The seed's invoice statuses, plus `held`: Clearfacts may have received it (the answer was
 * lost and cannot be looked up), so a person decides before anything is sent again.
 */
export type InvoiceStatus = "pending" | "sent" | "failed" | "duplicate" | "held";
/** What one job did with one invoice (null while it is being forwarded). */
export type ItemOutcome = "sent" | "failed" | "duplicate" | "held";
export type InvoiceSourceKind = "source-system" | "queue" | "upload";
/** One upload attempt towards Clearfacts: the idempotency record is written `sending` before the call. */
export type UploadState = "sending" | "accepted" | "refused" | "absent" | "unknown";

/** The seed's `jobs` table (named for its system: the database is shared). */
export interface InvoiceJobsTable {
  job_id: string;
  job_type: InvoiceJobType;
  status: InvoiceJobStatus;
  triggered_by: string | null;
  /** 1 when the job re-sends deliberately (force_processing, replay). */
  force_processing: number;
  /** The manual run's invoice_ids, JSON; null for "everything pending". */
  requested_ids_json: string | null;
  /** Requested ids the job could not take (no such invoice, or another job forwarding it), JSON [{invoice_id, code, error}]; reported as errors. */
  skipped_json: string | null;
  total_invoices: number;
  processed: number;
  failed: number;
  duplicates: number;
  held: number;
  error_message: string | null;
  /** When the job's invoices were gathered and their messages recorded. */
  collected_at: string | null;
  /** When the completion notice went out (the sweeper sends one a crash lost). */
  notified_at: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/** The local day a scheduled job ran for: the primary key makes it once per day. */
export interface InvoiceScheduleRunsTable {
  run_date: string;
  job_id: string;
  created_at: string;
}

/** The seed's `invoices` table: one row per received document. */
export interface InvoicesTable {
  id: string;
  /** The document's own number (BT-1), the seed's invoice_id. */
  invoice_id: string;
  document_kind: string;
  source: InvoiceSourceKind;
  /** The source's id of the document (transport id, message id, upload id). */
  source_ref: string;
  file_name: string;
  blob_name: string;
  content_sha256: string;
  size_bytes: number;
  seller_key: string | null;
  issue_date: string | null;
  payable_amount: string | null;
  currency: string | null;
  /** sha256 of kind, seller, number, issue date, payable amount, currency: the same invoice whatever its transport. */
  fingerprint: string | null;
  /** sha256 of kind, seller, number: a reused number with other content is caught by it. */
  number_key: string | null;
  invoice_type: string;
  /** The Clearfacts administration (buyer's VAT for PURCHASE, seller's for SALE). */
  vat_number: string | null;
  valid: number;
  validation_json: string;
  status: InvoiceStatus;
  duplicate_of: string | null;
  error_code: string | null;
  error_message: string | null;
  clearfacts_uuid: string | null;
  clearfacts_response: string | null;
  /** The job that last took it up. */
  job_id: string | null;
  received_at: string;
  processed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What one job does with one invoice: the unit of retry and of exactly-once counting. */
export interface InvoiceJobItemsTable {
  job_id: string;
  invoice_ref: string;
  outcome: ItemOutcome | null;
  /** Forwarding attempts started by this job (the message of attempt n carries n). */
  attempts: number;
  next_attempt_at: string | null;
  /** A worker holds the item until then; another delivery leaves it alone. */
  leased_until: string | null;
  error_code: string | null;
  error_message: string | null;
  /** EXTERNAL_API_ERROR details of the last failed call, JSON. */
  error_details: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** The claim on an invoice number: the first valid document under it owns it. */
export interface InvoiceIdentitiesTable {
  number_key: string;
  fingerprint: string;
  invoice_ref: string;
  created_at: string;
}

/** The idempotency record and audit trail of every upload attempt to Clearfacts. */
export interface InvoiceUploadsTable {
  upload_id: string;
  invoice_ref: string;
  job_id: string;
  attempt: number;
  forced: number;
  state: UploadState;
  status_code: number | null;
  error: string | null;
  clearfacts_uuid: string | null;
  amount_of_pages: number | null;
  started_at: string;
  finished_at: string | null;
}

/** The seed's `configuration` table: non-secret runtime state (the schedule's pause, the source's watermark). */
export interface InvoiceConfigurationTable {
  key: string;
  value: string;
  description: string;
  updated_by: string | null;
  updated_at: string;
}

/** The tables this system owns, as Kysely sees them. */
export interface InvoicesTables {
  invoice_jobs: InvoiceJobsTable;
  invoice_schedule_runs: InvoiceScheduleRunsTable;
  invoices: InvoicesTable;
  invoice_job_items: InvoiceJobItemsTable;
  invoice_identities: InvoiceIdentitiesTable;
  invoice_uploads: InvoiceUploadsTable;
  invoice_configuration: InvoiceConfigurationTable;
}
