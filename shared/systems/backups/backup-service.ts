import { csvField } from "../../kernel/csv.js";
import { createHash, randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { NonRetriableError, NotFoundError } from "../../kernel/errors.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { MergedProject, ProjectService } from "../gateway/index.js";
import type { BackupsTable, BackupsTables } from "./backups-tables.js";
import { BACKUPS_QUEUES } from "./backups-queues.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import { BackupRepository } from "./backup-repository.js";
import type { Clock } from "../../ports/clock.js";

export interface Backup {
  readonly backupId: string;
  readonly trigger: "manual" | "scheduled";
  readonly status: BackupsTable["status"];
  readonly progress: number;
  readonly projectIds: readonly string[] | null;
  readonly attempts: number;
  readonly error: string | null;
  readonly blobName: string | null;
  readonly schemaHash: string | null;
  readonly projectCount: number | null;
  readonly recordCount: number | null;
  readonly sha256: string | null;
  readonly sizeBytes: number | null;
  readonly verifiedAt: string | null;
  readonly verificationStatus: "PASSED" | "FAILED" | null;
  readonly verificationError: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

export interface BackupServiceOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  readonly db: Kysely<BackupsTables>;
  readonly projects: ProjectService;
  readonly blobs: BlobStore;
  readonly container: string;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** The merged dataset's columns, with types: their hash is the backup's schema hash. */
const COLUMNS: readonly {
  name: string;
  type: "string" | "decimal" | "date" | "integer" | "boolean";
  value: (p: MergedProject) => string | number | boolean | null;
}[] = [
  { name: "project_id", type: "string", value: (p) => p.projectId },
  { name: "sap_internal_id", type: "string", value: (p) => p.sapInternalId },
  { name: "name", type: "string", value: (p) => p.name },
  { name: "department", type: "string", value: (p) => p.department },
  { name: "company_code", type: "string", value: (p) => p.companyCode },
  { name: "currency", type: "string", value: (p) => p.currency },
  { name: "start_date", type: "date", value: (p) => p.startDate },
  { name: "end_date", type: "date", value: (p) => p.endDate },
  { name: "sap_status", type: "string", value: (p) => p.sapStatus },
  { name: "status", type: "string", value: (p) => p.status },
  { name: "contract_value", type: "decimal", value: (p) => p.pricing.contractValue?.amount ?? null },
  { name: "planned_cost", type: "decimal", value: (p) => p.costs.planned?.amount ?? null },
  { name: "actual_cost", type: "decimal", value: (p) => p.costs.actual?.amount ?? null },
  { name: "billed_to_date", type: "decimal", value: (p) => p.billing.billedToDate?.amount ?? null },
  { name: "recorded_billing_total", type: "decimal", value: (p) => p.billing.recordedTotal?.amount ?? null },
  { name: "recorded_billing_entries", type: "integer", value: (p) => p.billing.recordedEntries },
  { name: "outsourced_cost", type: "decimal", value: (p) => p.outsourcing.outsourcedCost?.amount ?? null },
  { name: "planned_hours", type: "decimal", value: (p) => p.resourcePlanning.plannedHours },
  { name: "actual_hours", type: "decimal", value: (p) => p.resourcePlanning.actualHours },
  { name: "custom_field_1", type: "string", value: (p) => p.metadata.customField1 },
  { name: "custom_field_2", type: "string", value: (p) => p.metadata.customField2 },
  { name: "sql_version", type: "integer", value: (p) => p.version },
  { name: "consistent", type: "boolean", value: (p) => p.validation.consistent },
];

export const BACKUP_SCHEMA_HASH = createHash("sha256")
  .update(COLUMNS.map((c) => `${c.name}:${c.type}`).join("\n"))
  .digest("hex");
const HEADER = COLUMNS.map((c) => c.name).join(",");

const MERGE_CONCURRENCY = 16;
/** Text handed to gzip at a time. */
const CSV_CHUNK_CHARS = 64 * 1024;

/**
 * Backups of the merged SAP + SQL dataset (seed 000): streamed as gzip CSV into Blob under
 * a versioned path, committed with its metadata (timestamp, schema hash, project and record
 * counts, SHA-256 of the content) in one step, and logged in SQL. Memory stays bounded: one
 * page of projects and one upload block at a time. Backups are never deleted or
 * overwritten; a rerun after a crash adopts a blob that was already committed.
 */
export class BackupService {
  readonly #o: BackupServiceOptions;

  readonly #rows: BackupRepository;

  constructor(options: BackupServiceOptions) {
    this.#o = Object.freeze({ ...options });
    this.#rows = new BackupRepository(options.db, options.clock);
  }

  /**
   * Records a backup request and queues it (the job protocol: row and message together,
   * a lost send repaired by the sweeper). Resolves once the request is durable.
   */
  async requestBackup(
    projectIds: readonly string[] | null,
    trigger: "manual" | "scheduled",
    actor: Actor,
  ): Promise<Backup> {
    const backupId = await this.#o.jobs.submit(async (trx) => {
      const backupId = randomUUID();
      await this.#rows.insertRequested({ backupId, trigger, requestedBy: actor.userId ?? null, projectIds }, trx);
      await this.#o.audit.record(
        actor,
        {
          action: "backup.requested",
          resourceType: "backup",
          resourceId: backupId,
          details: { trigger, projects: projectIds?.length ?? "all" },
        },
        trx,
      );
      return {
        kind: "backup",
        jobId: backupId,
        queue: BACKUPS_QUEUES.backupRequests,
        message: jobMessage(backupId, { backupId }, actor),
      };
    });
    return this.getBackup(backupId);
  }

  async getBackup(backupId: string): Promise<Backup> {
    const row = await this.#rows.find(backupId);
    if (!row) throw new NotFoundError("Backup", backupId);
    return toBackup(row);
  }

  async listBackups(page: number, pageSize: number): Promise<{ items: Backup[]; total: number }> {
    const { rows, total } = await this.#rows.page(page, pageSize);
    return { items: rows.map(toBackup), total };
  }

  /** The worker's step; idempotent for a redelivered message. */
  async runBackup(backupId: string, completed: (message: OutgoingMessage) => Promise<void>): Promise<void> {
    const row = await this.#rows.find(backupId);
    if (!row) throw new NonRetriableError("NOT_FOUND", `Backup ${backupId} does not exist`);
    if (row.status === "COMPLETED" || row.status === "FAILED") return;
    const started = performance.now();
    const blobName = `${row.created_at.slice(0, 4)}/${row.created_at.slice(5, 7)}/${row.created_at.slice(8, 10)}/${backupId}.csv.gz`;
    await this.#rows.update(backupId, {
      status: "PROCESSING",
      attempts: row.attempts + 1,
      started_at: this.#o.clock.now().toISOString(),
      blob_name: blobName,
      error: null,
    });

    // A previous attempt may have committed the blob and died before logging it: adopt it.
    const existing = await this.#o.blobs.findProperties(this.#o.container, blobName);
    const metadata =
      existing?.metadata ??
      (await this.#write(backupId, blobName, row.project_ids ? (JSON.parse(row.project_ids) as string[]) : null));
    const sizeBytes = existing?.contentLength ?? Number(metadata.sizebytes ?? 0);
    await this.#rows.update(backupId, {
      status: "COMPLETED",
      progress: 100,
      schema_hash: metadata.schemahash ?? null,
      project_count: Number(metadata.projectcount),
      record_count: Number(metadata.recordcount),
      sha256: metadata.sha256 ?? null,
      size_bytes: sizeBytes,
      completed_at: this.#o.clock.now().toISOString(),
    });
    this.#o.metrics.backupsCompleted.inc({ status: "COMPLETED" });
    this.#o.metrics.backupDuration.observe((performance.now() - started) / 1000);
    this.#o.metrics.backupSize.set(sizeBytes);
    await this.#o.audit.record(
      {},
      {
        action: "backup.completed",
        resourceType: "backup",
        resourceId: backupId,
        details: { blob: blobName, records: Number(metadata.recordcount), sha256: metadata.sha256 },
      },
    );
    await completed({
      messageId: `backup:${backupId}:COMPLETED`,
      body: { taskType: "backup", taskId: backupId, status: "COMPLETED" },
    });
  }

  /** The message's last delivery failed: the backup ends FAILED (never stuck in PROCESSING). */
  async failBackup(
    backupId: string,
    reason: string,
    completed: (message: OutgoingMessage) => Promise<void>,
  ): Promise<void> {
    const row = await this.#rows.find(backupId);
    if (!row || row.status === "COMPLETED" || row.status === "FAILED") return;
    await this.#rows.update(backupId, {
      status: "FAILED",
      error: reason,
      completed_at: this.#o.clock.now().toISOString(),
    });
    this.#o.metrics.backupsCompleted.inc({ status: "FAILED" });
    await this.#o.alerts.raise({
      source: "backups",
      severity: "critical",
      title: "Backup failed",
      message: `Backup ${backupId} failed: ${reason}`,
      details: { backup_id: backupId },
    });
    await completed({
      messageId: `backup:${backupId}:FAILED`,
      body: { taskType: "backup", taskId: backupId, status: "FAILED" },
    });
  }

  /**
   * Re-reads a backup and checks its SHA-256, record count and schema hash against what
   * was logged; records the result and alerts on any mismatch.
   */
  async verifyBackup(backupId: string, actor: Actor): Promise<Backup> {
    const backup = await this.getBackup(backupId);
    if (backup.status !== "COMPLETED" || !backup.blobName) throw new NotFoundError("Completed backup", backupId);
    const problems: string[] = [];
    try {
      const hash = createHash("sha256");
      let header: string | undefined;
      let lines = 0;
      let tail = "";
      const source = await this.#o.blobs.download(this.#o.container, backup.blobName);
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const counting = new Transform({
        transform(chunk: Buffer, _enc, done) {
          const text = tail + chunk.toString("utf8");
          const parts = text.split("\n");
          tail = parts.pop() ?? "";
          for (const line of parts) {
            if (header === undefined) header = line;
            else lines++;
          }
          done();
        },
      });
      await pipeline(source, hashing, createGunzip(), counting);
      if (tail) lines++;
      const sha = hash.digest("hex");
      if (sha !== backup.sha256) problems.push(`SHA-256 is ${sha}, logged ${backup.sha256}`);
      if (lines !== backup.recordCount) problems.push(`holds ${lines} records, logged ${backup.recordCount}`);
      const schema =
        header === undefined
          ? ""
          : header === HEADER
            ? BACKUP_SCHEMA_HASH
            : createHash("sha256").update(header).digest("hex");
      if (schema !== backup.schemaHash) problems.push("its columns do not match the logged schema hash");
    } catch (error) {
      problems.push(`could not be read: ${(error as Error).message}`);
    }
    const status = problems.length === 0 ? "PASSED" : "FAILED";
    await this.#rows.update(backupId, {
      verified_at: this.#o.clock.now().toISOString(),
      verification_status: status,
      verification_error: problems.length ? problems.join("; ") : null,
    });
    await this.#o.audit.record(actor, {
      action: "backup.verified",
      resourceType: "backup",
      resourceId: backupId,
      details: { status, problems },
    });
    if (status === "FAILED") {
      await this.#o.alerts.raise({
        source: "backups",
        severity: "critical",
        title: "Backup verification failed",
        message: `Backup ${backupId} (${backup.blobName}) failed verification: ${problems.join("; ")}`,
        details: { backup_id: backupId },
      });
    }
    return this.getBackup(backupId);
  }

  /** The monthly timer: verifies every backup completed within the look-back window. */
  async verifyRecent(lookbackDays: number, actor: Actor): Promise<{ verified: number; failed: number }> {
    const since = new Date(this.#o.clock.now().getTime() - lookbackDays * 86_400_000).toISOString();
    const ids = await this.#rows.completedSince(since);
    let failed = 0;
    for (const id of ids) if ((await this.verifyBackup(id, actor)).verificationStatus === "FAILED") failed++;
    return { verified: ids.length, failed };
  }

  /** Restore drill: the backup as it was kept (gzip CSV). */
  async downloadBackup(backupId: string, actor: Actor): Promise<{ stream: Readable; fileName: string }> {
    const backup = await this.getBackup(backupId);
    if (backup.status !== "COMPLETED" || !backup.blobName) throw new NotFoundError("Completed backup", backupId);
    await this.#o.audit.record(actor, { action: "backup.downloaded", resourceType: "backup", resourceId: backupId });
    return {
      stream: await this.#o.blobs.download(this.#o.container, backup.blobName),
      fileName: `backup-${backupId}.csv.gz`,
    };
  }

  async #write(backupId: string, blobName: string, only: readonly string[] | null): Promise<Record<string, string>> {
    const hash = createHash("sha256");
    let bytes = 0;
    let records = 0;
    let projects = 0;
    const service = this;
    async function* csv(): AsyncGenerator<string> {
      yield `${HEADER}\n`;
      let chunk = "";
      let lastProgress = 0;
      for await (const page of only ? listPages(only) : service.#o.projects.projectIds(1000)) {
        // Each merged project is written as soon as its turn comes and dropped: only
        // MERGE_CONCURRENCY of them live at once, whatever the dataset's size.
        for await (const p of service.#o.projects.readMergedPage(page.projectIds, MERGE_CONCURRENCY)) {
          if (!p) continue;
          chunk += `${COLUMNS.map((c) => csvField(c.value(p))).join(",")}\n`;
          records++;
          if (chunk.length >= CSV_CHUNK_CHARS) {
            yield chunk;
            chunk = "";
          }
        }
        projects += page.projectIds.length;
        const progress = Math.min(99, Math.floor((100 * projects) / Math.max(1, page.total)));
        if (progress >= lastProgress + 2) {
          lastProgress = progress;
          await service.#rows.update(backupId, { progress });
        }
      }
      if (chunk) yield chunk;
    }
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const body = Readable.from(csv()).pipe(createGzip()).pipe(counted);
    await this.#o.blobs.uploadCommitted(
      this.#o.container,
      blobName,
      body,
      () => ({
        backupid: backupId,
        createdat: this.#o.clock.now().toISOString(),
        schemahash: BACKUP_SCHEMA_HASH,
        projectcount: String(projects),
        recordcount: String(records),
        sha256: hash.digest("hex"),
        sizebytes: String(bytes),
      }),
      { contentType: "application/gzip" },
    );
    return (await this.#o.blobs.findProperties(this.#o.container, blobName))!.metadata;
  }
}

async function* listPages(ids: readonly string[]): AsyncGenerator<{ projectIds: string[]; total: number }> {
  for (let i = 0; i < ids.length; i += 1000) yield { projectIds: ids.slice(i, i + 1000), total: ids.length };
}

function toBackup(row: BackupsTable): Backup {
  return {
    backupId: row.backup_id,
    trigger: row.trigger_source,
    status: row.status,
    progress: row.progress,
    projectIds: row.project_ids ? (JSON.parse(row.project_ids) as string[]) : null,
    attempts: row.attempts,
    error: row.error,
    blobName: row.blob_name,
    schemaHash: row.schema_hash,
    projectCount: row.project_count,
    recordCount: row.record_count,
    sha256: row.sha256,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    verifiedAt: row.verified_at,
    verificationStatus: row.verification_status,
    verificationError: row.verification_error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}
