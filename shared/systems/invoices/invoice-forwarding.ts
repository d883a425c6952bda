import { randomUUID } from "node:crypto";
import { buffer } from "node:stream/consumers";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import {
  PermanentUploadError,
  RetryableUploadError,
  type AccountingPlatform,
  type UploadReceipt,
} from "../../ports/accounting-platform.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { ValidationReport } from "./validation/validate.js";
import type { InvoiceRepository, InvoiceRow, ItemRow, JobRow, UploadRow } from "./invoice-repository.js";
import type { ItemOutcome } from "./invoices-tables.js";

/** One forwarding message: attempt n of one invoice in one job. */
export interface ForwardMessage {
  readonly job_id: string;
  readonly invoice_ref: string;
  readonly attempt: number;
}

/** Sends attempt `attempt` of an item, not before `at`. */
export type SendForward = (message: ForwardMessage, at?: Date) => Promise<void>;

export interface ForwardingOptions {
  readonly rows: InvoiceRepository;
  readonly blobs: BlobStore;
  readonly container: string;
  /** Absent when CLEARFACTS_API_URL is not set: invoices then stay pending. */
  readonly accounting: AccountingPlatform | undefined;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly retryBaseSeconds: number;
  /** How long one worker holds an item: longer than an upload can take. */
  readonly leaseSeconds: number;
  /** Called once a job's last item finished (in its own transaction's wake). */
  readonly onJobDone: (jobId: string) => Promise<void>;
}

/** Retry delays grow base, 2×base, 4×base, ... capped at 30 minutes; Clearfacts' Retry-After wins when longer. */
export const retryDelaySeconds = (base: number, attempt: number, retryAfter?: number) =>
  Math.max(retryAfter ?? 0, Math.min(1800, base * 2 ** (attempt - 1)));

interface Finish {
  readonly outcome: ItemOutcome;
  readonly error?: { code: string; message: string; details?: unknown };
  /** Changes to the invoice itself (status, receipt), made in the same transaction. */
  readonly invoice?: Parameters<InvoiceRepository["updateInvoice"]>[1];
  /** The upload whose answer this records, in the same transaction. */
  readonly upload?: { id: string; changes: Parameters<InvoiceRepository["updateUpload"]>[1] };
  /** Give the invoice number back (refused for good), so a corrected resend can use it. */
  readonly releaseNumber?: boolean;
}

/**
 * Forwards one invoice of one job to Clearfacts, exactly once, whatever the redeliveries:
 *
 * - the item is leased, so two deliveries never upload at once;
 * - the upload's idempotency record is written `sending` before the call; a record left
 *   `sending` (the worker died, or the answer was lost) is reconciled with Clearfacts
 *   before anything is re-sent, and held for a person when Clearfacts cannot tell;
 * - the outcome, the invoice's status and the job's counter change in one transaction,
 *   counted only by the call that finished the item.
 */
export class InvoiceForwarding {
  readonly #o: ForwardingOptions;

  constructor(options: ForwardingOptions) {
    this.#o = options;
  }

  async forward(message: ForwardMessage, send: SendForward): Promise<void> {
    const rows = this.#o.rows;
    const item = await rows.findItem(message.job_id, message.invoice_ref);
    // Finished, or superseded by a later attempt's message (that one carries on).
    if (!item || item.outcome !== null || message.attempt < item.attempts) return;
    const now = this.#o.clock.now();
    const until = new Date(now.getTime() + this.#o.leaseSeconds * 1000).toISOString();
    if (!(await rows.leaseItem(item.job_id, item.invoice_ref, until))) return;
    const [job, invoice] = await Promise.all([rows.findJob(item.job_id), rows.findInvoice(item.invoice_ref)]);
    if (!job || !invoice) {
      await this.#finish(item, { outcome: "failed", error: { code: "NOT_FOUND", message: "The invoice is gone" } });
      return;
    }
    const started = performance.now();
    let finish: Finish | undefined;
    try {
      finish = await this.#decide(job, item, invoice, send);
    } catch (error) {
      // The redelivery (or the next attempt) may take the item at once; a record left `sending` is reconciled then.
      await rows.releaseLease(item.job_id, item.invoice_ref);
      throw error;
    }
    if (finish) {
      await this.#finish(item, finish);
      this.#o.metrics.invoiceProcessing.inc({ outcome: finish.outcome });
      this.#o.metrics.invoiceProcessingDuration.observe(
        { outcome: finish.outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  /** The message's last delivery failed: the item ends failed, so its job can finish. */
  async failLastDelivery(message: ForwardMessage, reason: string): Promise<void> {
    const item = await this.#o.rows.findItem(message.job_id, message.invoice_ref);
    if (!item || item.outcome !== null) return;
    await this.#finish(item, {
      outcome: "failed",
      error: { code: "FORWARDING_FAILED", message: reason },
      invoice: { status: "failed", error_code: "FORWARDING_FAILED", error_message: reason },
    });
  }

  /** What happens to this invoice now; undefined when a retry was scheduled instead. */
  async #decide(job: JobRow, item: ItemRow, invoice: InvoiceRow, send: SendForward): Promise<Finish | undefined> {
    const force = job.force_processing === 1;
    if (invoice.valid !== 1) {
      const message = validationSummary(JSON.parse(invoice.validation_json) as ValidationReport);
      return {
        outcome: "failed",
        error: { code: "VALIDATION_FAILED", message },
        invoice: { status: "failed", error_code: "VALIDATION_FAILED", error_message: message, job_id: job.job_id },
      };
    }
    const accounting = this.#o.accounting;
    if (!accounting) {
      // Nothing sent and nothing lost: the invoice stays pending for a run once Clearfacts is configured.
      return {
        outcome: "failed",
        error: {
          code: "CLEARFACTS_NOT_CONFIGURED",
          message: "CLEARFACTS_API_URL is not set: the invoice stays pending",
        },
      };
    }
    if (!invoice.vat_number) {
      const message = `The ${invoice.invoice_type === "PURCHASE" ? "buyer" : "seller"}'s VAT number (the Clearfacts administration of a ${invoice.invoice_type} invoice) is missing`;
      return {
        outcome: "failed",
        error: { code: "CLEARFACTS_ADMINISTRATION_UNKNOWN", message },
        invoice: { status: "failed", error_code: "CLEARFACTS_ADMINISTRATION_UNKNOWN", error_message: message },
      };
    }

    const last = await this.#o.rows.lastUpload(invoice.id);
    if (last?.state === "accepted") {
      if (last.job_id === job.job_id) return sentBy(last, job, this.#now());
      if (!force) {
        const message = `Already sent to Clearfacts on ${last.finished_at ?? last.started_at} (upload ${last.clearfacts_uuid ?? last.upload_id}); not sent again`;
        return { outcome: "duplicate", error: { code: "ALREADY_SENT", message } };
      }
    }
    if (last && (last.state === "sending" || last.state === "unknown") && !force) {
      const verdict = await this.#reconcile(last, invoice, job);
      if (verdict) return verdict;
    }

    if (!force && invoice.number_key && invoice.fingerprint) {
      const claim = await this.#o.rows.claimNumber({
        numberKey: invoice.number_key,
        fingerprint: invoice.fingerprint,
        invoiceRef: invoice.id,
      });
      if (claim.invoiceRef !== invoice.id) {
        if (claim.fingerprint === invoice.fingerprint) {
          const message = `The same invoice (seller, number, date, amount, currency) as ${claim.invoiceRef}; not sent again`;
          return {
            outcome: "duplicate",
            error: { code: "DUPLICATE_INVOICE", message },
            invoice: { status: "duplicate", duplicate_of: claim.invoiceRef, job_id: job.job_id },
          };
        }
        const message = `Invoice number ${invoice.invoice_id} of seller ${invoice.seller_key ?? "?"} was already used by invoice ${claim.invoiceRef} with a different date, amount or currency; not sent. Correct the number at the source, or process it again with force_processing.`;
        return {
          outcome: "failed",
          error: { code: "INVOICE_NUMBER_REUSED", message, details: { conflicts_with: claim.invoiceRef } },
          invoice: {
            status: "failed",
            error_code: "INVOICE_NUMBER_REUSED",
            error_message: message,
            duplicate_of: claim.invoiceRef,
            job_id: job.job_id,
          },
        };
      }
    }
    return this.#upload(job, item, invoice, accounting, send, force);
  }

  async #upload(
    job: JobRow,
    item: ItemRow,
    invoice: InvoiceRow,
    accounting: AccountingPlatform,
    send: SendForward,
    force: boolean,
  ): Promise<Finish | undefined> {
    const uploadId = randomUUID();
    // The idempotency record, before the call: a crash from here on is reconciled, not re-sent.
    await this.#o.rows.insertUpload({
      upload_id: uploadId,
      invoice_ref: invoice.id,
      job_id: job.job_id,
      attempt: item.attempts,
      forced: force ? 1 : 0,
      state: "sending",
      status_code: null,
      error: null,
      clearfacts_uuid: null,
      amount_of_pages: null,
      started_at: this.#o.clock.now().toISOString(),
      finished_at: null,
    });
    await this.#o.rows.updateInvoice(invoice.id, { job_id: job.job_id });
    if (force) {
      await this.#o.audit.record(
        { ...(job.triggered_by ? { userId: job.triggered_by } : {}) },
        {
          action: "invoice.force_sent",
          resourceType: "invoice",
          resourceId: invoice.id,
          details: { job_id: job.job_id, job_type: job.job_type, upload_id: uploadId },
        },
      );
    }
    const content = await buffer(await this.#o.blobs.download(this.#o.container, invoice.blob_name));
    const started = performance.now();
    try {
      const receipt = await accounting.upload(
        { content, contentType: "application/xml" },
        {
          vatNumber: invoice.vat_number!,
          fileName: invoice.file_name,
          invoiceType: invoice.invoice_type as "PURCHASE" | "SALE",
          idempotencyKey: uploadId,
        },
      );
      this.#apiCall("200", started);
      return accepted(uploadId, receipt, job, this.#now());
    } catch (error) {
      if (error instanceof PermanentUploadError) {
        this.#apiCall(String(error.statusCode ?? "network"), started);
        const code = error.reason === "auth" ? "CLEARFACTS_AUTH_FAILED" : "CLEARFACTS_REJECTED";
        return {
          outcome: "failed",
          error: { code, message: error.message, details: externalDetails(error, item.attempts, null) },
          invoice: { status: "failed", error_code: code, error_message: error.message },
          upload: {
            id: uploadId,
            changes: { state: "refused", status_code: error.statusCode ?? null, error: error.message },
          },
          releaseNumber: true,
        };
      }
      if (!(error instanceof RetryableUploadError)) throw error;
      this.#apiCall(error.statusCode === undefined ? "timeout" : String(error.statusCode), started);
      if (error.outcome === "unknown") {
        await this.#o.rows.updateUpload(uploadId, { state: "unknown", error: error.message });
        const verdict = await this.#reconcile(
          { ...(await this.#o.rows.lastUpload(invoice.id))!, upload_id: uploadId },
          invoice,
          job,
        );
        if (verdict) return verdict;
      } else {
        await this.#o.rows.updateUpload(uploadId, {
          state: "refused",
          status_code: error.statusCode ?? null,
          error: error.message,
        });
      }
      return this.#retryOrFail(item, invoice, error, send);
    }
  }

  /**
   * An upload whose answer never came: asks Clearfacts whether it has the file. Found: it
   * was sent. Absent: undefined (send it). Unknown: held for a person, never re-sent blindly.
   */
  async #reconcile(upload: UploadRow, invoice: InvoiceRow, job: JobRow): Promise<Finish | undefined> {
    const lookup = await this.#o.accounting!.findUpload({
      vatNumber: invoice.vat_number!,
      fileName: invoice.file_name,
    });
    if (lookup.status === "found") return accepted(upload.upload_id, lookup.receipt, job, this.#now());
    if (lookup.status === "absent") {
      await this.#o.rows.updateUpload(upload.upload_id, { state: "absent" });
      return undefined;
    }
    await this.#o.rows.updateUpload(upload.upload_id, { state: "unknown", error: lookup.reason });
    const message = `Clearfacts may have received this invoice (upload ${upload.upload_id} got no answer) and cannot be asked: ${lookup.reason}. Check it in Clearfacts; replay it only if it is not there.`;
    return {
      outcome: "held",
      error: { code: "UPLOAD_OUTCOME_UNKNOWN", message },
      invoice: { status: "held", error_code: "UPLOAD_OUTCOME_UNKNOWN", error_message: message, job_id: job.job_id },
    };
  }

  async #retryOrFail(
    item: ItemRow,
    invoice: InvoiceRow,
    error: RetryableUploadError,
    send: SendForward,
  ): Promise<Finish | undefined> {
    if (item.attempts >= this.#o.maxAttempts) {
      const details = externalDetails(error, item.attempts, null);
      const message = `Clearfacts did not accept the invoice after ${item.attempts} attempts: ${error.message}`;
      return {
        outcome: "failed",
        error: { code: "EXTERNAL_API_ERROR", message, details },
        invoice: { status: "failed", error_code: "EXTERNAL_API_ERROR", error_message: message },
        releaseNumber: true,
      };
    }
    const at = new Date(
      this.#o.clock.now().getTime() +
        retryDelaySeconds(this.#o.retryBaseSeconds, item.attempts, error.retryAfterSeconds) * 1000,
    );
    const details = externalDetails(error, item.attempts, at.toISOString());
    await this.#o.rows.scheduleRetry(item.job_id, item.invoice_ref, {
      attempts: item.attempts + 1,
      nextAttemptAt: at.toISOString(),
      errorCode: "EXTERNAL_API_ERROR",
      errorMessage: error.message,
      errorDetails: details,
    });
    await this.#o.rows.updateInvoice(invoice.id, { error_code: "EXTERNAL_API_ERROR", error_message: error.message });
    this.#o.logger.warn("Invoice upload will be retried", {
      job_id: item.job_id,
      invoice_ref: item.invoice_ref,
      ...details,
    });
    // Lost here, the sweeper sends it (the item is untouched from now until then).
    await send({ job_id: item.job_id, invoice_ref: item.invoice_ref, attempt: item.attempts + 1 }, at);
    return undefined;
  }

  async #finish(item: ItemRow, finish: Finish): Promise<void> {
    const { jobDone } = await this.#o.rows.inTransaction(async (rows) => {
      if (finish.upload) await rows.updateUpload(finish.upload.id, finish.upload.changes);
      if (finish.invoice) await rows.updateInvoice(item.invoice_ref, finish.invoice);
      if (finish.releaseNumber) {
        const invoice = await rows.findInvoice(item.invoice_ref);
        if (invoice?.number_key) await rows.releaseNumber(invoice.number_key, invoice.id);
      }
      const counted = await rows.finishItem(item.job_id, item.invoice_ref, finish.outcome, finish.error);
      if (counted.jobDone) await rows.completeJob(item.job_id, "completed");
      return counted;
    });
    if (jobDone) await this.#o.onJobDone(item.job_id);
  }

  #now(): string {
    return this.#o.clock.now().toISOString();
  }

  #apiCall(status: string, started: number): void {
    this.#o.metrics.externalApiCalls.inc({ api: "clearfacts", status });
    this.#o.metrics.externalApiCallDuration.observe({ api: "clearfacts" }, (performance.now() - started) / 1000);
  }
}

function accepted(uploadId: string, receipt: UploadReceipt, job: JobRow, now: string): Finish {
  return {
    outcome: "sent",
    invoice: {
      status: "sent",
      clearfacts_uuid: receipt.uuid,
      clearfacts_response: JSON.stringify(receipt),
      error_code: null,
      error_message: null,
      job_id: job.job_id,
      processed_at: now,
    },
    upload: {
      id: uploadId,
      changes: { state: "accepted", clearfacts_uuid: receipt.uuid, amount_of_pages: receipt.amountOfPages },
    },
  };
}

/** A job redelivered after its upload was accepted: record what Clearfacts answered then. */
function sentBy(upload: UploadRow, job: JobRow, now: string): Finish {
  return accepted(
    upload.upload_id,
    { uuid: upload.clearfacts_uuid ?? "", amountOfPages: upload.amount_of_pages ?? 0 },
    job,
    upload.finished_at ?? now,
  );
}

/** The seed's EXTERNAL_API_ERROR details. */
function externalDetails(
  error: RetryableUploadError | PermanentUploadError,
  retryCount: number,
  nextRetryAt: string | null,
) {
  return {
    api_endpoint: error.apiEndpoint,
    status_code: error.statusCode ?? null,
    retry_count: retryCount,
    next_retry_at: nextRetryAt,
  };
}

/** "BR-CO-15 (BT-112 Invoice total amount with VAT): ..." for the first fatal findings. */
export function validationSummary(report: ValidationReport): string {
  const fatal = report.findings.filter((f) => f.severity === "fatal");
  const shown = fatal.slice(0, 3).map((f) => {
    const terms = f.terms.map((t) => `${t.id} ${t.name}`).join(", ");
    return `${f.ruleId}${terms ? ` (${terms})` : ""}: ${f.message}`;
  });
  const more = fatal.length > shown.length ? ` (+${fatal.length - shown.length} more)` : "";
  return `Invalid invoice: ${shown.join("; ")}${more}`;
}
