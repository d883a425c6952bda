import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import { NotFoundError } from "../../kernel/errors.js";
import type { AccountingPlatform } from "../../ports/accounting-platform.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { InvoiceSource } from "../../ports/invoice-source.js";
import { readInvoice } from "./invoice-facts.js";
import { InvoiceForwarding, type ForwardMessage, type SendForward } from "./invoice-forwarding.js";
import { InvoiceIntake, type ReceivedDocument } from "./invoice-intake.js";
import { InvoiceJobs, type JobSends, type StartJob } from "./invoice-jobs.js";
import { InvoiceRepository, type InvoiceFilter } from "./invoice-repository.js";
import {
  invoiceView,
  jobErrors,
  jobView,
  uploadView,
  type InvoiceDetail,
  type InvoiceView,
  type JobError,
  type JobView,
} from "./invoice-views.js";
import type { INVOICES_SETTINGS } from "./invoices-settings.js";
import type { InvoicesTables } from "./invoices-tables.js";
import type { Language } from "./validation/rule-engine.js";
import type { ValidationReport } from "./validation/validate.js";

export interface InvoicesModuleDeps {
  readonly settings: SettingsOf<typeof INVOICES_SETTINGS>;
  readonly db: Kysely<InvoicesTables>;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  /** Clearfacts; absent when CLEARFACTS_API_URL is not set. */
  readonly accounting: AccountingPlatform | undefined;
  /** The invoice source system; absent when INVOICE_SOURCE_API_URL is not set. */
  readonly source: InvoiceSource | undefined;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** The invoices system's face towards functions/: intake, validation, jobs, forwarding, reading. */
export class InvoiceService {
  readonly #rows: InvoiceRepository;
  readonly #intake: InvoiceIntake;
  readonly #jobs: InvoiceJobs;
  readonly #forwarding: InvoiceForwarding;
  readonly #deps: InvoicesModuleDeps;

  constructor(deps: InvoicesModuleDeps) {
    const s = deps.settings;
    this.#deps = deps;
    this.#rows = new InvoiceRepository(deps.db, deps.clock);
    this.#intake = new InvoiceIntake({
      rows: this.#rows,
      blobs: deps.blobs,
      clock: deps.clock,
      audit: deps.audit,
      container: s.INVOICES_ARCHIVE_CONTAINER,
      maxBytes: s.INVOICES_MAX_UBL_BYTES,
      defaultInvoiceType: s.INVOICES_DEFAULT_INVOICE_TYPE,
    });
    this.#jobs = new InvoiceJobs({
      rows: this.#rows,
      intake: this.#intake,
      source: deps.source,
      sourcePageSize: s.INVOICE_SOURCE_PAGE_SIZE,
      jobs: deps.jobs,
      clock: deps.clock,
      audit: deps.audit,
      alerts: deps.alerts,
      metrics: deps.metrics,
      logger: deps.logger,
      timeZone: s.INVOICES_TIME_ZONE,
      dailyStartTime: s.INVOICES_DAILY_START_TIME,
      staleAfterSeconds: s.INVOICES_STALE_AFTER_SECONDS,
    });
    this.#forwarding = new InvoiceForwarding({
      rows: this.#rows,
      blobs: deps.blobs,
      container: s.INVOICES_ARCHIVE_CONTAINER,
      accounting: deps.accounting,
      clock: deps.clock,
      audit: deps.audit,
      metrics: deps.metrics,
      logger: deps.logger,
      maxAttempts: s.INVOICES_MAX_ATTEMPTS,
      retryBaseSeconds: s.INVOICES_RETRY_BASE_SECONDS,
      // An upload's timeout, plus the blob read and the bookkeeping around it.
      leaseSeconds: Math.ceil(s.CLEARFACTS_TIMEOUT_MS / 1000) + 60,
      onJobDone: (jobId) => this.#jobs.notifyFinished(jobId),
    });
  }

  /** Validates without recording anything (POST /invoices/validate). */
  validate(content: Uint8Array, language: Language): ValidationReport {
    return readInvoice(content, this.#deps.settings.INVOICES_MAX_UBL_BYTES, language).report;
  }

  /** A document from an upload or the inbound queue, recorded pending for the next job. */
  async receive(document: ReceivedDocument, actor: Actor): Promise<{ invoice: InvoiceDetail; created: boolean }> {
    const { invoice, created } = await this.#intake.receive(document, actor);
    return { invoice: await this.getInvoice(invoice.id), created };
  }

  startJob(request: StartJob, actor: Actor): Promise<JobView> {
    return this.#jobs.start(request, actor).then(jobView);
  }

  /** Forwards one invoice again from its archived original, under its original identity (admin). */
  async replay(invoiceRef: string, actor: Actor): Promise<JobView> {
    const invoice = await this.#rows.findInvoice(invoiceRef);
    if (!invoice) throw new NotFoundError("Invoice", invoiceRef);
    await this.#deps.audit.record(actor, {
      action: "invoice.replay_requested",
      resourceType: "invoice",
      resourceId: invoiceRef,
      details: { invoice_id: invoice.invoice_id, status: invoice.status },
    });
    return this.startJob({ jobType: "replay", forceProcessing: true, invoiceIds: [invoice.id] }, actor);
  }

  gather(jobId: string, sends: JobSends): Promise<void> {
    return this.#jobs.gather(jobId, sends);
  }

  failJob(jobId: string, reason: string): Promise<void> {
    return this.#jobs.failJob(jobId, reason);
  }

  forward(message: ForwardMessage, send: SendForward): Promise<void> {
    return this.#forwarding.forward(message, send);
  }

  failForward(message: ForwardMessage, reason: string): Promise<void> {
    return this.#forwarding.failLastDelivery(message, reason);
  }

  startScheduledIfDue(): Promise<JobView | undefined> {
    return this.#jobs.startScheduledIfDue().then((job) => (job ? jobView(job) : undefined));
  }

  sweep(sends: JobSends): Promise<number> {
    return this.#jobs.sweep(sends);
  }

  digest(): ReturnType<InvoiceJobs["digest"]> {
    return this.#jobs.digest();
  }

  hasUnfinished(): Promise<boolean> {
    return this.#jobs.hasUnfinished();
  }

  setSchedulePaused(paused: boolean, actor: Actor): Promise<void> {
    return this.#jobs.setPaused(paused, actor);
  }

  async getJob(jobId: string): Promise<JobView & { errors: JobError[] }> {
    const job = await this.#jobs.getJob(jobId);
    return { ...jobView(job), errors: jobErrors(job, await this.#rows.itemsOf(jobId)) };
  }

  async listJobs(
    filter: { status?: string; jobType?: string },
    page: number,
    pageSize: number,
  ): Promise<{ items: JobView[]; total: number }> {
    const { rows, total } = await this.#rows.pageJobs(filter, page, pageSize);
    return { items: rows.map(jobView), total };
  }

  async listInvoices(
    filter: InvoiceFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: InvoiceView[]; total: number }> {
    const { rows, total } = await this.#rows.pageInvoices(filter, page, pageSize);
    return { items: rows.map(invoiceView), total };
  }

  async getInvoice(invoiceRef: string): Promise<InvoiceDetail> {
    const row = await this.#rows.findInvoice(invoiceRef);
    if (!row) throw new NotFoundError("Invoice", invoiceRef);
    return {
      ...invoiceView(row),
      validation: JSON.parse(row.validation_json) as ValidationReport,
      forwarding_attempts: (await this.#rows.uploadsOf(invoiceRef)).map(uploadView),
    };
  }

  /** The archived original, exactly as received; audited. */
  async downloadOriginal(
    invoiceRef: string,
    actor: Actor,
  ): Promise<{ stream: Readable; contentType: string; fileName: string }> {
    const row = await this.#rows.findInvoice(invoiceRef);
    if (!row) throw new NotFoundError("Invoice", invoiceRef);
    await this.#deps.audit.record(actor, {
      action: "invoice.original_downloaded",
      resourceType: "invoice",
      resourceId: invoiceRef,
    });
    return {
      stream: await this.#deps.blobs.download(this.#deps.settings.INVOICES_ARCHIVE_CONTAINER, row.blob_name),
      contentType: "application/xml",
      fileName: row.file_name,
    };
  }

  /**
   * The non-secret runtime configuration: the system's settings (secrets are named, never
   * shown: they stay in Key Vault) and the state kept in its configuration table.
   */
  async configuration(): Promise<{
    settings: Record<string, unknown>;
    runtime: { key: string; value: string; description: string; updated_at: string; updated_by: string | null }[];
    schedule_paused: boolean;
    clearfacts_configured: boolean;
    source_configured: boolean;
  }> {
    const s = this.#deps.settings;
    return {
      settings: {
        INVOICES_TIME_ZONE: s.INVOICES_TIME_ZONE,
        INVOICES_DAILY_START_TIME: s.INVOICES_DAILY_START_TIME,
        INVOICES_DAILY_SCHEDULE: s.INVOICES_DAILY_SCHEDULE,
        INVOICES_MAX_ATTEMPTS: s.INVOICES_MAX_ATTEMPTS,
        INVOICES_MAX_UBL_BYTES: s.INVOICES_MAX_UBL_BYTES,
        INVOICES_VALIDATE_ROLES: s.INVOICES_VALIDATE_ROLES,
        INVOICES_ARCHIVE_CONTAINER: s.INVOICES_ARCHIVE_CONTAINER,
        INVOICES_ARCHIVE_RETENTION_DAYS: s.INVOICES_ARCHIVE_RETENTION_DAYS,
        INVOICES_DEFAULT_INVOICE_TYPE: s.INVOICES_DEFAULT_INVOICE_TYPE,
        INVOICE_SOURCE_API_URL: s.INVOICE_SOURCE_API_URL ?? null,
        CLEARFACTS_API_URL: s.CLEARFACTS_API_URL ?? null,
        CLEARFACTS_AUTH: s.CLEARFACTS_AUTH,
        CLEARFACTS_TIMEOUT_MS: s.CLEARFACTS_TIMEOUT_MS,
      },
      runtime: (await this.#rows.allConfiguration()).map((r) => ({
        key: r.key,
        value: r.value,
        description: r.description,
        updated_at: r.updated_at,
        updated_by: r.updated_by,
      })),
      schedule_paused: await this.#jobs.isPaused(),
      clearfacts_configured: this.#deps.accounting !== undefined,
      source_configured: this.#deps.source !== undefined,
    };
  }
}

export function createInvoices(deps: InvoicesModuleDeps): InvoiceService {
  return new InvoiceService(deps);
}
