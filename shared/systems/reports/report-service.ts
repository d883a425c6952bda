import { randomUUID } from "node:crypto";
import { PassThrough, Transform, type Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { BillingEntry, BillingRepository } from "../billing/index.js";
import { NotFoundError, NonRetriableError } from "../../kernel/errors.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { MergedProject, ProjectService, ResourceService } from "../gateway/index.js";
import type { ReportsTables, ReportRequestsTable, ReportStatus } from "./reports-tables.js";
import {
  buildReportContent,
  type ReportContent,
  type ReportData,
  type ReportRequest,
  type ReportType,
} from "./report-content.js";
import type { Clock } from "../../ports/clock.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import { ReportRepository } from "./report-repository.js";
import { REPORTS_QUEUES } from "./reports-queues.js";
import { localDate } from "../../kernel/zoned-time.js";
import { formatLocalTime } from "./report-time.js";

export interface Report {
  readonly reportId: string;
  readonly status: ReportStatus;
  readonly progress: number;
  readonly reportType: ReportType;
  readonly format: "excel" | "pdf";
  readonly projectIds: readonly string[];
  readonly requestedBy: string;
  readonly attempts: number;
  readonly error: string | null;
  /** What the finished report could not show ("Project PRJ-999999: not found in SAP"); the file says the same. */
  readonly warnings: readonly string[];
  readonly sizeBytes: number | null;
  readonly rowCount: number | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** Messages a report run sends: the request itself (retries) and the completion notice. */
export interface ReportMessages {
  readonly request: (message: OutgoingMessage) => Promise<void>;
  readonly completed: (message: OutgoingMessage) => Promise<void>;
}

export interface ReportServiceOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  readonly db: Kysely<ReportsTables>;
  readonly projects: ProjectService;
  readonly resources: ResourceService;
  readonly billing: BillingRepository;
  readonly blobs: BlobStore;
  readonly container: string;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly staleAfterSeconds: number;
  readonly jobs: JobProtocol;
  /** IANA zone the files show times in (REPORT_TIME_ZONE). */
  readonly timeZone: string;
}

const CONTENT_TYPES = {
  excel: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
} as const;
const EXTENSIONS = { excel: "xlsx", pdf: "pdf" } as const;
/** Retry delays grow 15 s, 30 s, 60 s, ... (capped at 10 minutes). */
const backoffSeconds = (attempt: number) => Math.min(600, 15 * 2 ** (attempt - 1));

/**
 * Asynchronous Excel/PDF reports (seed 000). The status row is written before the queue
 * message, whose id is the report id, so neither exists without the other for long: a
 * timer re-sends rows left QUEUED without a message. The worker is idempotent (a finished
 * report is left alone; a rerun overwrites the one blob of the report), retries with
 * backoff by re-queueing with a delay, and ends FAILED after the last attempt, never
 * stuck in PROCESSING.
 */
export class ReportService {
  readonly #o: ReportServiceOptions;

  readonly #rows: ReportRepository;

  constructor(options: ReportServiceOptions) {
    this.#o = Object.freeze({ ...options });
    this.#rows = new ReportRepository(options.db, options.clock);
  }

  /**
   * Records the request and queues it (the job protocol: row and message together, a lost
   * send repaired by the sweeper). Resolves once the request is durable.
   */
  async requestReport(request: ReportRequest, actor: Actor & { username: string }): Promise<Report> {
    const reportId = await this.#o.jobs.submit(async (trx) => {
      const reportId = randomUUID();
      await this.#rows.insertRequested(
        { reportId, requestedBy: actor.userId!, requestedByName: actor.username, request },
        trx,
      );
      await this.#o.audit.record(
        actor,
        {
          action: "report.requested",
          resourceType: "report",
          resourceId: reportId,
          details: {
            report_type: request.reportType,
            format: request.options.format,
            projects: request.projectIds.length,
          },
        },
        trx,
      );
      return {
        kind: "report",
        jobId: reportId,
        queue: REPORTS_QUEUES.reportRequests,
        message: jobMessage(reportId, { reportId }, actor),
      };
    });
    return this.#get(reportId);
  }

  /** A report as its requester (or an admin) sees it; anyone else gets 404, not a hint that it exists. */
  async getReport(reportId: string, viewer: { userId: string; isAdmin: boolean }): Promise<Report> {
    const report = await this.#get(reportId);
    if (!viewer.isAdmin && report.requestedBy !== viewer.userId) throw new NotFoundError("Report", reportId);
    return report;
  }

  async listReports(userId: string, page: number, pageSize: number): Promise<{ items: Report[]; total: number }> {
    const { rows, total } = await this.#rows.pageFor(userId, page, pageSize);
    return { items: rows.map(toReport), total };
  }

  /** The finished file, for its requester or an admin; audited. */
  async downloadReport(
    reportId: string,
    viewer: { userId: string; isAdmin: boolean },
    actor: Actor,
  ): Promise<{ stream: Readable; contentType: string; fileName: string }> {
    const report = await this.getReport(reportId, viewer);
    const row = await this.#rows.find(reportId);
    if (report.status !== "COMPLETED" || !row?.blob_name) throw new NotFoundError("Report file", reportId);
    await this.#o.audit.record(actor, { action: "report.downloaded", resourceType: "report", resourceId: reportId });
    return {
      stream: await this.#o.blobs.download(this.#o.container, row.blob_name),
      contentType: CONTENT_TYPES[report.format],
      fileName: this.#fileName(report, JSON.parse(row.request_json) as ReportRequest),
    };
  }

  /**
   * The worker's step: generates the report once. Safe to run again for the same report
   * (a redelivered message): a finished report is left alone.
   */
  async generate(reportId: string, messages: ReportMessages): Promise<void> {
    const row = await this.#rows.find(reportId);
    if (!row) throw new NonRetriableError("NOT_FOUND", `Report ${reportId} does not exist`);
    if (row.status === "COMPLETED" || row.status === "FAILED") return;
    const attempt = row.attempts + 1;
    const started = performance.now();
    await this.#rows.update(reportId, {
      status: "PROCESSING",
      progress: 0,
      attempts: attempt,
      started_at: this.#o.clock.now().toISOString(),
      error: null,
      warnings_json: null,
    });
    const request = JSON.parse(row.request_json) as ReportRequest;
    try {
      const data = await this.#read(reportId, request);
      // One instant for "as of" and "Generated": when the figures had been read.
      const generatedAt = this.#o.clock.now();
      const content = buildReportContent(request, { ...data, asOf: this.#local(generatedAt) });
      const blobName = `${reportId}.${EXTENSIONS[request.options.format]}`;
      const { bytes, rows } = await this.#write(reportId, blobName, request, content, row, generatedAt);
      await this.#rows.update(reportId, {
        status: "COMPLETED",
        progress: 100,
        blob_name: blobName,
        warnings_json: JSON.stringify(content.warnings),
        size_bytes: bytes,
        row_count: rows,
        completed_at: this.#o.clock.now().toISOString(),
      });
      this.#o.metrics.reportsGenerated.inc({ report_type: request.reportType, status: "COMPLETED" });
      this.#o.metrics.reportGenerationDuration.observe(
        { report_type: request.reportType },
        (performance.now() - started) / 1000,
      );
      this.#o.metrics.reportSize.observe({ report_type: request.reportType }, bytes);
      await messages.completed({
        messageId: `report:${reportId}:COMPLETED`,
        body: { taskType: "report", taskId: reportId, status: "COMPLETED" },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= this.#o.maxAttempts) {
        await this.#fail(reportId, request.reportType, `${message} (after ${attempt} attempts)`, messages);
        return;
      }
      // Back off by re-queueing with a delay rather than throwing: Service Bus would redeliver at once.
      const delay = backoffSeconds(attempt);
      this.#o.logger.warn("Report attempt failed; retrying with backoff", {
        report_id: reportId,
        attempt,
        delay_seconds: delay,
        error,
      });
      await this.#rows.update(reportId, {
        status: "QUEUED",
        progress: 0,
        error: `attempt ${attempt} failed: ${message}; retrying in ${delay} s`,
        queued_at: this.#o.clock.now().toISOString(),
      });
      await messages.request({
        messageId: `${reportId}:attempt:${attempt + 1}`,
        body: { reportId },
        scheduledEnqueueTime: new Date(this.#o.clock.now().getTime() + delay * 1000),
      });
    }
  }

  /** The poison path: the message's last delivery failed hard (the worker crashed); end FAILED. */
  async failReport(reportId: string, reason: string, messages: ReportMessages): Promise<void> {
    const row = await this.#rows.find(reportId);
    if (!row || row.status === "COMPLETED" || row.status === "FAILED") return;
    await this.#fail(reportId, row.report_type as ReportType, reason, messages);
  }

  /**
   * The requeue timer: takes over reports QUEUED or PROCESSING with no progress for
   * `staleAfterSeconds` (a retry message lost, or a worker that died); past the last
   * attempt they end FAILED. A first message whose send was lost is the job protocol's
   * sweeper's. Returns how many it touched.
   */
  /** Whether a report is still QUEUED or PROCESSING: the requeue timer keeps watching while one is. */
  hasUnfinished(): Promise<boolean> {
    return this.#rows.anyUnfinished();
  }

  async requeueStale(messages: ReportMessages): Promise<number> {
    const cutoff = new Date(this.#o.clock.now().getTime() - this.#o.staleAfterSeconds * 1000).toISOString();
    const stale = await this.#rows.stale(cutoff, 100);
    let touched = 0;
    for (const r of stale) {
      if (r.attempts >= this.#o.maxAttempts) {
        await this.#fail(
          r.report_id,
          r.report_type as ReportType,
          `no attempt finished after ${r.attempts} attempts`,
          messages,
        );
      } else {
        await this.#rows.update(r.report_id, { status: "QUEUED", queued_at: this.#o.clock.now().toISOString() });
        await messages.request({
          messageId: `${r.report_id}:requeue:${r.attempts}:${r.updated_at}`,
          body: { reportId: r.report_id },
        });
      }
      touched++;
    }
    return touched;
  }

  async #fail(reportId: string, reportType: ReportType, reason: string, messages: ReportMessages): Promise<void> {
    await this.#rows.update(reportId, {
      status: "FAILED",
      error: reason,
      completed_at: this.#o.clock.now().toISOString(),
    });
    this.#o.metrics.reportsGenerated.inc({ report_type: reportType, status: "FAILED" });
    await messages.completed({
      messageId: `report:${reportId}:FAILED`,
      body: { taskType: "report", taskId: reportId, status: "FAILED" },
    });
  }

  /**
   * The name a download is saved under, saying what the report is: its type, its period (or
   * "as-of" the local date it was generated, for a report without one) and the first 8
   * characters of its id, e.g. financial-summary_2026-01-01_2026-12-31_1a2b3c4d.xlsx.
   * ASCII only, so the Content-Disposition header needs no encoding.
   */
  #fileName(report: Report, request: ReportRequest): string {
    const range = request.options.dateRange;
    const when = range
      ? `${range.start}_${range.end}`
      : `as-of-${localDate(new Date(report.completedAt ?? report.createdAt), this.#o.timeZone)}`;
    return `${report.reportType.replaceAll("_", "-")}_${when}_${report.reportId.slice(0, 8)}.${EXTENSIONS[report.format]}`;
  }

  /** An instant as the files show it: REPORT_TIME_ZONE's wall clock, the zone named. */
  #local(at: Date): string {
    return formatLocalTime(at, this.#o.timeZone);
  }

  /** Reads what the report shows, project by project (progress up to 70). */
  async #read(reportId: string, request: ReportRequest): Promise<Omit<ReportData, "asOf">> {
    const projects: MergedProject[] = [];
    const notFound: string[] = [];
    const billing = new Map<string, readonly BillingEntry[]>();
    let lastProgress = 0;
    for (const [i, projectId] of request.projectIds.entries()) {
      try {
        projects.push(await this.#o.projects.getProject(projectId));
        // Billing entries carry dates: the billing report lists them, a financial summary with
        // a period sums those in it ("Billed in period").
        if (
          request.reportType === "billing_report" ||
          (request.reportType === "financial_summary" && request.options.dateRange)
        )
          billing.set(projectId, await this.#o.billing.listActive(projectId));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        notFound.push(projectId);
      }
      const progress = Math.floor((70 * (i + 1)) / request.projectIds.length);
      if (progress >= lastProgress + 5) {
        lastProgress = progress;
        await this.#rows.update(reportId, { progress });
      }
    }
    const resourceNames = request.options.includeResources ? await this.#resourceNames() : undefined;
    return { projects, billing, notFound, ...(resourceNames ? { resourceNames } : {}) };
  }

  /** Every person SAP knows, by resource id: one read of SAP's resources, paged through. */
  async #resourceNames(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const pageSize = 1000;
    for (let page = 1; ; page++) {
      const { items, total } = await this.#o.resources.listResources({ page, pageSize });
      for (const r of items) names.set(r.resourceId, r.name);
      if (items.length === 0 || page * pageSize >= total) return names;
    }
  }

  /** Streams the file into its blob (one name per report: a rerun overwrites, never duplicates). */
  async #write(
    reportId: string,
    blobName: string,
    request: ReportRequest,
    content: ReportContent,
    row: ReportRequestsTable,
    generatedAt: Date,
  ): Promise<{ bytes: number; rows: number }> {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const sink = new PassThrough();
    sink.pipe(counter);
    const upload = this.#o.blobs.upload(this.#o.container, blobName, counter, {
      contentType: CONTENT_TYPES[request.options.format],
      metadata: { reportid: reportId, reporttype: request.reportType, requestedby: row.requested_by },
    });
    await this.#rows.update(reportId, { progress: 75 });
    const subtitle = [
      ...content.scope,
      `Requested by ${row.requested_by_name} on ${this.#local(new Date(row.created_at))}`,
      `Generated ${this.#local(generatedAt)}`,
    ];
    const rows = content.details.rows.length;
    // exceljs and pdfmake (about 12 MB of heap together) load on the first report, not
    // with every process: every MB a process holds raises V8's next GC threshold by ~4 MB.
    const writing =
      request.options.format === "excel"
        ? (await import("./excel-report.js")).writeExcelReport(
            {
              title: content.title,
              subtitle,
              warnings: content.warnings,
              summary: content.summary,
              details: content.details,
              chartData: content.chartData,
              extra: content.extra,
            },
            sink,
          )
        : (await import("./pdf-report.js")).writePdfReport(
            {
              title: content.title,
              requestedBy: row.requested_by_name,
              generatedAt: generatedAt.toISOString(),
              timeZone: this.#o.timeZone,
              scope: content.scope,
              warnings: content.warnings,
              summary: content.summary,
              tables: [content.details, content.chartData, ...content.extra].map((t) => ({
                title: t.name,
                columns: t.columns,
                rows: t.rows,
                ...(t.totals ? { totals: t.totals } : {}),
                ...(t.chart ? { chart: t.chart } : {}),
              })),
            },
            sink,
          );
    await Promise.all([
      writing.then(
        () => sink.end(),
        (error: unknown) => {
          // Fail the upload too, so no partial file is left looking complete.
          counter.destroy(error as Error);
          throw error;
        },
      ),
      upload,
    ]);
    return { bytes, rows };
  }

  async #get(reportId: string): Promise<Report> {
    const row = await this.#rows.find(reportId);
    if (!row) throw new NotFoundError("Report", reportId);
    return toReport(row);
  }
}

function toReport(row: ReportRequestsTable): Report {
  const request = JSON.parse(row.request_json) as ReportRequest;
  return {
    reportId: row.report_id,
    status: row.status,
    progress: row.progress,
    reportType: row.report_type as ReportType,
    format: row.format as "excel" | "pdf",
    projectIds: request.projectIds,
    requestedBy: row.requested_by,
    attempts: row.attempts,
    error: row.error,
    warnings: row.warnings_json === null ? [] : (JSON.parse(row.warnings_json) as string[]),
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    rowCount: row.row_count,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}
