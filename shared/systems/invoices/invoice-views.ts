/** How jobs, invoices and uploads read on the API (the seed's snake_case shapes). */
import type { ValidationReport } from "./validation/validate.js";
import type { InvoiceRow, ItemRow, JobRow, UploadRow } from "./invoice-repository.js";
import type { SkippedId } from "./invoice-jobs.js";

export interface JobView {
  readonly job_id: string;
  readonly job_type: JobRow["job_type"];
  readonly status: JobRow["status"];
  readonly force_processing: boolean;
  readonly triggered_by: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly duration_seconds: number | null;
  readonly results: {
    readonly total_invoices: number;
    readonly processed: number;
    readonly failed: number;
    readonly duplicates: number;
    /** Clearfacts may have them; a person decides (not in the seed: a state it did not handle). */
    readonly held: number;
  };
  /** Finished of total, while it runs. */
  readonly progress: { readonly done: number; readonly total: number };
  readonly error_message: string | null;
}

export interface JobError {
  readonly invoice_id: string;
  readonly invoice_ref: string | null;
  readonly code: string;
  readonly error: string;
  readonly details: unknown;
  readonly timestamp: string;
}

export function jobView(job: JobRow): JobView {
  const done = job.processed + job.failed + job.duplicates + job.held;
  return {
    job_id: job.job_id,
    job_type: job.job_type,
    status: job.status,
    force_processing: job.force_processing === 1,
    triggered_by: job.triggered_by,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    duration_seconds:
      job.started_at && job.completed_at
        ? Math.round((Date.parse(job.completed_at) - Date.parse(job.started_at)) / 1000)
        : null,
    results: {
      total_invoices: job.total_invoices,
      processed: job.processed,
      failed: job.failed,
      duplicates: job.duplicates,
      held: job.held,
    },
    progress: { done, total: job.total_invoices },
    error_message: job.error_message,
  };
}

/** The seed's errors[]: each invoice that failed or was held, plus requested ids the job could not take. */
export function jobErrors(job: JobRow, items: readonly (ItemRow & { invoice_id: string | null })[]): JobError[] {
  const errors: JobError[] = items
    .filter((i) => i.outcome === "failed" || i.outcome === "held")
    .map((i) => ({
      invoice_id: i.invoice_id ?? i.invoice_ref,
      invoice_ref: i.invoice_ref,
      code: i.error_code ?? "FAILED",
      error: i.error_message ?? "",
      details: i.error_details ? (JSON.parse(i.error_details) as unknown) : null,
      timestamp: i.finished_at ?? i.updated_at,
    }));
  const skipped = job.skipped_json ? (JSON.parse(job.skipped_json) as SkippedId[]) : [];
  for (const s of skipped) {
    errors.push({
      invoice_id: s.invoice_id,
      invoice_ref: null,
      code: s.code,
      error: s.error,
      details: null,
      timestamp: job.started_at ?? job.created_at,
    });
  }
  return errors;
}

export interface InvoiceView {
  readonly id: string;
  readonly invoice_id: string;
  readonly document_kind: string;
  readonly status: InvoiceRow["status"];
  readonly source: InvoiceRow["source"];
  readonly source_ref: string;
  readonly file_name: string;
  readonly seller: string | null;
  readonly issue_date: string | null;
  readonly payable_amount: string | null;
  readonly currency: string | null;
  readonly invoice_type: string;
  readonly vat_number: string | null;
  readonly valid: boolean;
  readonly duplicate_of: string | null;
  readonly error: { readonly code: string; readonly message: string | null } | null;
  readonly clearfacts_uuid: string | null;
  readonly job_id: string | null;
  readonly received_at: string;
  readonly processed_at: string | null;
}

export function invoiceView(row: InvoiceRow): InvoiceView {
  return {
    id: row.id,
    invoice_id: row.invoice_id,
    document_kind: row.document_kind,
    status: row.status,
    source: row.source,
    source_ref: row.source_ref,
    file_name: row.file_name,
    seller: row.seller_key,
    issue_date: row.issue_date,
    payable_amount: row.payable_amount,
    currency: row.currency,
    invoice_type: row.invoice_type,
    vat_number: row.vat_number,
    valid: row.valid === 1,
    duplicate_of: row.duplicate_of,
    error: row.error_code ? { code: row.error_code, message: row.error_message } : null,
    clearfacts_uuid: row.clearfacts_uuid,
    job_id: row.job_id,
    received_at: row.received_at,
    processed_at: row.processed_at,
  };
}

export interface UploadView {
  readonly upload_id: string;
  readonly job_id: string;
  readonly attempt: number;
  readonly forced: boolean;
  readonly state: UploadRow["state"];
  readonly status_code: number | null;
  readonly error: string | null;
  readonly clearfacts_uuid: string | null;
  readonly started_at: string;
  readonly finished_at: string | null;
}

export function uploadView(row: UploadRow): UploadView {
  return {
    upload_id: row.upload_id,
    job_id: row.job_id,
    attempt: row.attempt,
    forced: row.forced === 1,
    state: row.state,
    status_code: row.status_code,
    error: row.error,
    clearfacts_uuid: row.clearfacts_uuid,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}

export interface InvoiceDetail extends InvoiceView {
  readonly validation: ValidationReport;
  readonly forwarding_attempts: readonly UploadView[];
}
