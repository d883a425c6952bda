import { randomUUID } from "node:crypto";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import { ConflictError, NotFoundError } from "../../kernel/errors.js";
import { localDate, zonedTime } from "../../kernel/zoned-time.js";
import type { Alerter } from "../../ports/alerter.js";
import type { Clock } from "../../ports/clock.js";
import { InvoiceSourceRefusedError, type InvoiceSource } from "../../ports/invoice-source.js";
import type { ForwardMessage, SendForward } from "./invoice-forwarding.js";
import type { InvoiceIntake } from "./invoice-intake.js";
import type { InvoiceRepository, JobRow } from "./invoice-repository.js";
import { INVOICES_QUEUES } from "./invoices-queues.js";
import type { InvoiceJobType } from "./invoices-tables.js";

/** The runtime configuration keys the system keeps in its table (non-secret). */
export const CONFIGURATION_KEYS = {
  schedulePaused: { key: "schedule.paused", description: "true while the daily scheduled job is paused by an admin" },
  sourceWatermark: {
    key: "source.watermark",
    description: "received_at of the newest document taken from the invoice source system",
  },
} as const;

/** A requested id the job could not take, reported in its errors. */
export interface SkippedId {
  readonly invoice_id: string;
  readonly code: "NOT_FOUND" | "IN_ANOTHER_JOB";
  readonly error: string;
}

/** Invoices one job gathers at most; what is left waits for the next run. */
export const MAX_INVOICES_PER_JOB = 10_000;

/** What a job's gathering step and sweeps send: forwarding messages. */
export interface JobSends {
  readonly forward: SendForward;
}

export interface InvoiceJobsOptions {
  readonly rows: InvoiceRepository;
  readonly intake: InvoiceIntake;
  /** Absent when INVOICE_SOURCE_API_URL is not set: jobs forward uploaded and queued invoices only. */
  readonly source: InvoiceSource | undefined;
  readonly sourcePageSize: number;
  readonly jobs: JobProtocol;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly timeZone: string;
  readonly dailyStartTime: string;
  readonly staleAfterSeconds: number;
}

export interface StartJob {
  readonly jobType: InvoiceJobType;
  readonly forceProcessing: boolean;
  /** Our invoice ids or the invoices' own numbers; undefined: every pending invoice (and the source's new ones). */
  readonly invoiceIds?: readonly string[];
}

/** The forwarding message of an item's attempt; its id makes a re-send of the same attempt a duplicate. */
export function forwardMessageId(m: ForwardMessage): string {
  return `${m.job_id}:${m.invoice_ref}:${m.attempt}`;
}

/**
 * Invoice jobs (seed 002): scheduled daily and manual runs. A job starts through the job
 * protocol (row and gathering message together); gathering pulls the source system's new
 * documents, records one item per invoice and sends one message per item, so each
 * invoice is forwarded and retried on its own. The sweeper re-sends what a crash left
 * unsent and sends completion notices a crash lost.
 */
export class InvoiceJobs {
  readonly #o: InvoiceJobsOptions;

  constructor(options: InvoiceJobsOptions) {
    this.#o = options;
  }

  /** Records the job and queues its gathering step; resolves once the job is durable. */
  async start(request: StartJob, actor: Actor, runDate?: string): Promise<JobRow> {
    const rows = this.#o.rows;
    const jobId = await this.#o.jobs.submit(async (trx) => {
      const jobId = randomUUID();
      const now = this.#o.clock.now().toISOString();
      if (runDate !== undefined && !(await rows.claimScheduleDay(runDate, jobId, trx))) {
        throw new ConflictError(`The scheduled job of ${runDate} has already started`, { run_date: runDate });
      }
      await rows.insertJob(
        {
          job_id: jobId,
          job_type: request.jobType,
          status: "pending",
          triggered_by: actor.userId ?? null,
          force_processing: request.forceProcessing ? 1 : 0,
          requested_ids_json: request.invoiceIds ? JSON.stringify(request.invoiceIds) : null,
          skipped_json: null,
          total_invoices: 0,
          processed: 0,
          failed: 0,
          duplicates: 0,
          held: 0,
          error_message: null,
          collected_at: null,
          notified_at: null,
          created_at: now,
          updated_at: now,
          started_at: null,
          completed_at: null,
        },
        trx,
      );
      await this.#o.audit.record(
        actor,
        {
          action: `invoice_job.${request.jobType === "scheduled" ? "scheduled" : "started"}`,
          resourceType: "invoice_job",
          resourceId: jobId,
          details: {
            job_type: request.jobType,
            force_processing: request.forceProcessing,
            invoice_ids: request.invoiceIds?.length ?? null,
            ...(runDate ? { run_date: runDate } : {}),
          },
        },
        trx,
      );
      return {
        kind: "invoice-job",
        jobId,
        queue: INVOICES_QUEUES.invoiceJobs,
        message: jobMessage(jobId, { job_id: jobId }, actor),
      };
    });
    return (await rows.findJob(jobId))!;
  }

  /**
   * The gathering step (safe to run again: a redelivery adds no item twice and re-sends
   * only what is unfinished, under the same message ids).
   */
  async gather(jobId: string, sends: JobSends): Promise<void> {
    const rows = this.#o.rows;
    const job = await rows.findJob(jobId);
    if (!job || job.status === "completed" || job.status === "failed") return;
    await rows.markRunning(jobId);
    if (!job.collected_at) {
      const requested = job.requested_ids_json ? (JSON.parse(job.requested_ids_json) as string[]) : undefined;
      let refs: string[];
      let skipped: SkippedId[] = [];
      if (requested) {
        const found = await rows.findByIdsOrNumbers(requested);
        // One job at a time per invoice: two jobs forwarding it at once could both upload it.
        const busy = await rows.busyElsewhere(
          found.map((r) => r.id),
          jobId,
        );
        refs = [...new Set(found.filter((r) => !busy.has(r.id)).map((r) => r.id))];
        skipped = requested.flatMap((id): SkippedId[] => {
          const matches = found.filter((r) => r.id === id || r.invoice_id === id);
          if (matches.length === 0)
            return [{ invoice_id: id, code: "NOT_FOUND", error: "No invoice has this id or number" }];
          return matches.some((r) => busy.has(r.id))
            ? [{ invoice_id: id, code: "IN_ANOTHER_JOB", error: "Another unfinished job is forwarding this invoice" }]
            : [];
        });
      } else {
        try {
          await this.#pullFromSource();
        } catch (error) {
          // Credentials or protocol refused: repeating will not help, so the job ends now.
          if (!(error instanceof InvoiceSourceRefusedError)) throw error;
          await this.failJob(jobId, `The invoice source system refused the listing: ${error.message}`);
          return;
        }
        refs = (await rows.pendingNotInAJob(MAX_INVOICES_PER_JOB)).map((r) => r.id);
      }
      const done = await rows.inTransaction(async (trx) => {
        await trx.addItems(jobId, refs);
        const total = (await trx.countItems(jobId)) + skipped.length;
        await trx.updateJob(jobId, {
          total_invoices: total,
          failed: skipped.length,
          skipped_json: skipped.length > 0 ? JSON.stringify(skipped) : null,
          collected_at: this.#o.clock.now().toISOString(),
        });
        return total === skipped.length && (await trx.completeJob(jobId, "completed"));
      });
      this.#o.logger.info("Invoice job gathered its invoices", {
        job_id: jobId,
        invoices: refs.length,
        skipped: skipped.length,
      });
      if (done) await this.notifyFinished(jobId);
    }
    for (const item of await rows.openItems(jobId)) {
      await sends.forward(
        { job_id: jobId, invoice_ref: item.invoice_ref, attempt: item.attempts },
        item.next_attempt_at ? new Date(item.next_attempt_at) : undefined,
      );
    }
  }

  /** The gathering step's last delivery failed: the job ends failed, with the reason. */
  async failJob(jobId: string, reason: string): Promise<void> {
    if (await this.#o.rows.completeJob(jobId, "failed", reason)) await this.notifyFinished(jobId);
  }

  /**
   * The daily run: starts the local day's scheduled job once the local start time has come
   * (in INVOICES_TIME_ZONE, correct across DST on UTC timers), unless paused. Answers the
   * job it started, if any.
   */
  async startScheduledIfDue(): Promise<JobRow | undefined> {
    const now = this.#o.clock.now();
    const runDate = localDate(now, this.#o.timeZone);
    if (now < zonedTime(runDate, this.#o.dailyStartTime, this.#o.timeZone)) return undefined;
    if (await this.isPaused()) return undefined;
    if (await this.#o.rows.scheduledJobOn(runDate)) return undefined;
    try {
      return await this.start({ jobType: "scheduled", forceProcessing: false }, {}, runDate);
    } catch (error) {
      if (error instanceof ConflictError) return undefined; // another instance started it
      throw error;
    }
  }

  async isPaused(): Promise<boolean> {
    return (await this.#o.rows.getConfiguration(CONFIGURATION_KEYS.schedulePaused.key)) === "true";
  }

  async setPaused(paused: boolean, actor: Actor): Promise<void> {
    const { key, description } = CONFIGURATION_KEYS.schedulePaused;
    await this.#o.rows.setConfiguration(key, String(paused), description, actor.userId ?? null);
    await this.#o.audit.record(actor, {
      action: paused ? "invoice_schedule.paused" : "invoice_schedule.resumed",
      resourceType: "invoice_schedule",
      resourceId: "daily",
    });
  }

  /**
   * The sweep: re-sends the messages of items untouched for INVOICES_STALE_AFTER_SECONDS
   * (same ids: a message still queued is not doubled; a lease still held is respected by
   * the worker) and sends completion notices a crash lost. Answers how much it touched.
   */
  async sweep(sends: JobSends): Promise<number> {
    const rows = this.#o.rows;
    const now = this.#o.clock.now();
    const before = new Date(now.getTime() - this.#o.staleAfterSeconds * 1000).toISOString();
    const stale = await rows.staleItems(before, 500);
    for (const item of stale) {
      await rows.touchItem(item.job_id, item.invoice_ref);
      const at =
        item.next_attempt_at && new Date(item.next_attempt_at) > now ? new Date(item.next_attempt_at) : undefined;
      await sends.forward({ job_id: item.job_id, invoice_ref: item.invoice_ref, attempt: item.attempts }, at);
    }
    const unnotified = await rows.unnotified(before, 100);
    for (const job of unnotified) await this.notifyFinished(job.job_id);
    if (stale.length > 0) this.#o.logger.info("Stale invoice forwarding messages re-sent", { invoices: stale.length });
    return stale.length + unnotified.length;
  }

  async hasUnfinished(): Promise<boolean> {
    return this.#o.rows.anyUnfinished();
  }

  /** The job's success/failure notice (Slack and the other alert channels) and its metrics, once. */
  async notifyFinished(jobId: string): Promise<void> {
    const job = await this.#o.rows.findJob(jobId);
    if (!job || job.notified_at || (job.status !== "completed" && job.status !== "failed")) return;
    const trouble = job.status === "failed" || job.failed > 0 || job.held > 0;
    const counts = `${job.total_invoices} invoices: ${job.processed} sent, ${job.failed} failed, ${job.duplicates} duplicates, ${job.held} held`;
    await this.#o.alerts.raise({
      source: "invoice-forwarding",
      severity: trouble ? "warning" : "info",
      title: `Invoice ${job.job_type} job ${job.status}${trouble ? " with problems" : ""}`,
      message: job.status === "failed" ? `${counts}. ${job.error_message ?? ""}`.trim() : `${counts}.`,
      details: {
        job_id: job.job_id,
        job_type: job.job_type,
        link: `/api/v1/invoices/jobs/${job.job_id}`,
        total_invoices: job.total_invoices,
        processed: job.processed,
        failed: job.failed,
        duplicates: job.duplicates,
        held: job.held,
      },
      dedupKey: `invoice-job:${job.job_id}`,
    });
    this.#o.metrics.invoiceJobs.inc({ job_type: job.job_type, status: job.status });
    if (job.started_at && job.completed_at) {
      this.#o.metrics.invoiceJobDuration.observe(
        { job_type: job.job_type },
        (Date.parse(job.completed_at) - Date.parse(job.started_at)) / 1000,
      );
    }
    await this.#o.rows.updateJob(jobId, { notified_at: this.#o.clock.now().toISOString() });
  }

  /**
   * The daily digest through the alert channels (Slack): the last 24 hours' jobs and what
   * they did, and the invoices waiting for a person (failed, held). Answers what it sent.
   */
  async digest(): Promise<{ jobs: number; sent: number; failed: number; duplicates: number; held: number }> {
    const now = this.#o.clock.now();
    const from = new Date(now.getTime() - 24 * 3600_000).toISOString();
    const jobs = await this.#o.rows.jobsFinishedBetween(from, now.toISOString());
    const sum = (key: "processed" | "failed" | "duplicates" | "held") => jobs.reduce((n, j) => n + j[key], 0);
    const totals = {
      jobs: jobs.length,
      sent: sum("processed"),
      failed: sum("failed"),
      duplicates: sum("duplicates"),
      held: sum("held"),
    };
    const waiting = await this.#o.rows.countByStatus();
    const failedJobs = jobs.filter((j) => j.status === "failed").length;
    const needPerson = (waiting.failed ?? 0) + (waiting.held ?? 0);
    await this.#o.alerts.raise({
      source: "invoice-forwarding",
      severity: failedJobs > 0 || totals.failed > 0 || totals.held > 0 ? "warning" : "info",
      title: "Invoice forwarding: daily digest",
      message:
        `Last 24 hours: ${totals.jobs} jobs (${failedJobs} failed); invoices ${totals.sent} sent, ${totals.failed} failed, ` +
        `${totals.duplicates} duplicates, ${totals.held} held. Waiting for a person: ${waiting.failed ?? 0} failed, ` +
        `${waiting.held ?? 0} held; ${waiting.pending ?? 0} pending for the next run.`,
      details: { ...totals, failed_jobs: failedJobs, waiting, link: "/api/v1/invoices?status=failed" },
      dedupKey: `invoice-digest:${now.toISOString().slice(0, 10)}`,
    });
    if (needPerson > 0)
      this.#o.logger.warn("Invoices wait for a person", { failed: waiting.failed ?? 0, held: waiting.held ?? 0 });
    return totals;
  }

  async getJob(jobId: string): Promise<JobRow> {
    const job = await this.#o.rows.findJob(jobId);
    if (!job) throw new NotFoundError("Invoice job", jobId);
    return job;
  }

  /**
   * Takes the source system's documents since the watermark, page by page, each as a
   * pending invoice; the watermark moves after each page (inclusive listing and the
   * per-source id make a repeat harmless).
   */
  async #pullFromSource(): Promise<void> {
    const source = this.#o.source;
    if (!source) return;
    const { key, description } = CONFIGURATION_KEYS.sourceWatermark;
    const since = (await this.#o.rows.getConfiguration(key)) ?? null;
    let watermark = since;
    let cursor: string | null = null;
    let taken = 0;
    do {
      const page = await source.listSince(since, cursor, this.#o.sourcePageSize);
      for (const document of page.invoices) {
        const { created } = await this.#o.intake.receive(
          {
            content: document.content,
            source: "source-system",
            sourceRef: document.sourceId,
            fileName: document.fileName,
            receivedAt: document.receivedAt,
          },
          {},
        );
        if (created) taken++;
      }
      const newest = page.invoices.reduce<string | null>(
        (max, d) => (max === null || d.receivedAt > max ? d.receivedAt : max),
        null,
      );
      if (newest && (watermark === null || newest > watermark)) {
        watermark = newest;
        await this.#o.rows.setConfiguration(key, watermark, description, null);
      }
      cursor = page.nextCursor;
    } while (cursor !== null && taken < MAX_INVOICES_PER_JOB);
    if (taken > 0) this.#o.logger.info("Invoices taken from the source system", { invoices: taken, watermark });
  }
}
