import { csvField } from "../../kernel/csv.js";
import { createHash, randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { NonRetriableError, NotFoundError } from "../../kernel/errors.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { ProjectService } from "../gateway/index.js";
import type { BackupsTable, BackupsTables } from "./backups-tables.js";
import { exactRecord } from "./backup-csv.js";
import { tarEnd, tarHeader, tarPadding } from "./backup-archive.js";
import {
  adoptedPart,
  PartWriter,
  partProblems,
  readPart,
  type BackupManifest,
  type ManifestPart,
} from "./backup-parts.js";
import {
  BACKUP_FORMAT,
  columnsHash,
  headerOf,
  LEGACY_FORMAT,
  PROJECT_COLUMNS,
  schemaHashOf,
  SECTIONS,
  sectionSpec,
  type SectionName,
  type SectionSpec,
} from "./backup-sections.js";
import { sectionRows, type SectionOwners, type SqlSectionName } from "./backup-sql-sections.js";
import { BACKUPS_QUEUES } from "./backups-queues.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import { BackupRepository } from "./backup-repository.js";
import type { Clock } from "../../ports/clock.js";

/** One part of a backup, as GET /backups/{id} shows it. */
export interface BackupSection {
  readonly section: string;
  readonly description: string;
  /** Loaded into its SQL table by a restore. */
  readonly restorable: boolean;
  readonly rows: number;
  /** SHA-256 of the part as stored (its gzip bytes). */
  readonly sha256: string;
  readonly sizeBytes: number;
}

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
  /** "fip-backup/2": a manifest and one gzip CSV per section; "csv/1": one gzip CSV of the merged projects. */
  readonly format: string;
  /** SQL rows created after this instant are not in the backup (null for "csv/1"). */
  readonly cutoffAt: string | null;
  /** What it holds, part by part (null until completed, and for "csv/1"). */
  readonly sections: readonly BackupSection[] | null;
}

export interface BackupServiceOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  readonly db: Kysely<BackupsTables>;
  readonly projects: ProjectService;
  /** The owners of the SQL sections (project records, billing entries, the audit log). */
  readonly owners: SectionOwners;
  readonly blobs: BlobStore;
  readonly container: string;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** The one format before the sections: its header and schema hash (the merged projects' columns). */
const LEGACY_HEADER = headerOf(PROJECT_COLUMNS);
const LEGACY_SCHEMA_HASH = columnsHash(PROJECT_COLUMNS);

const MERGE_CONCURRENCY = 16;
/** Progress (0-100) reached when the SQL sections are written; the SAP pass takes the rest. */
const SQL_PHASE_PROGRESS = 10;
/** A manifest larger than this is not one of ours. */
const MANIFEST_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Backups (seed 000): under one dated, versioned prefix, one gzip CSV part per section
 * (the merged SAP + SQL projects, their WBS elements, and the SQL project records, billing
 * entries and audit log as of the cut-off) and a manifest committed last that lists every
 * part with its columns, row count and SHA-256. Each blob is committed once with its
 * metadata and logged in SQL. Memory stays bounded: one page of rows and one upload block
 * per part at a time. Backups are never deleted or overwritten; a rerun after a crash
 * adopts every part (and manifest) that was already committed.
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
      // Audited first: the row's creation is the cut-off, so the backup holds its own request.
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
      await this.#rows.insertRequested(
        { backupId, trigger, requestedBy: actor.userId ?? null, projectIds, format: BACKUP_FORMAT },
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
    // Every attempt reads SQL as of the same instant, so parts adopted from an earlier
    // attempt and parts written now make one consistent cut.
    const cutoffAt = row.cutoff_at ?? row.created_at;
    const prefix = `${row.created_at.slice(0, 4)}/${row.created_at.slice(5, 7)}/${row.created_at.slice(8, 10)}/${backupId}/`;
    const manifestName = `${prefix}manifest.json`;
    await this.#rows.update(backupId, {
      status: "PROCESSING",
      attempts: row.attempts + 1,
      started_at: this.#o.clock.now().toISOString(),
      blob_name: manifestName,
      format: BACKUP_FORMAT,
      cutoff_at: cutoffAt,
      error: null,
    });

    // A previous attempt may have committed the manifest and died before logging it: adopt it.
    const existing = await this.#o.blobs.findProperties(this.#o.container, manifestName);
    const written = existing
      ? await this.#readManifest(manifestName)
      : await this.#write(row, prefix, manifestName, cutoffAt);
    const { manifest, sha256 } = written;
    const sizeBytes = written.sizeBytes + manifest.parts.reduce((sum, p) => sum + p.sizeBytes, 0);
    const records = manifest.parts.find((p) => p.section === "projects")?.rows ?? 0;
    await this.#rows.update(backupId, {
      status: "COMPLETED",
      progress: 100,
      schema_hash: manifest.schemaHash,
      project_count: manifest.projectCount,
      record_count: records,
      sha256,
      size_bytes: sizeBytes,
      sections: JSON.stringify(manifest.parts.map(toSection)),
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
        details: {
          manifest: manifestName,
          cutoff_at: cutoffAt,
          sha256,
          rows: Object.fromEntries(manifest.parts.map((p) => [p.section, p.rows])),
        },
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
   * Re-reads a backup and checks it against what was logged: the manifest's SHA-256 and
   * schema hash, then every part's SHA-256, row count and header against the manifest
   * ("csv/1": the one file's SHA-256, record count and schema hash). Records the result
   * and alerts on any mismatch.
   */
  async verifyBackup(backupId: string, actor: Actor): Promise<Backup> {
    const backup = await this.getBackup(backupId);
    if (backup.status !== "COMPLETED" || !backup.blobName) throw new NotFoundError("Completed backup", backupId);
    const problems =
      backup.format === LEGACY_FORMAT ? await this.#legacyProblems(backup) : await this.#sectionProblems(backup);
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

  /**
   * Restore drill: the backup as it was kept. A sectioned backup comes as a tar of its
   * manifest and parts, byte for byte as stored; a "csv/1" backup as its one gzip CSV.
   */
  async downloadBackup(
    backupId: string,
    actor: Actor,
  ): Promise<{ stream: Readable; fileName: string; contentType: string }> {
    const backup = await this.getBackup(backupId);
    if (backup.status !== "COMPLETED" || !backup.blobName) throw new NotFoundError("Completed backup", backupId);
    await this.#o.audit.record(actor, { action: "backup.downloaded", resourceType: "backup", resourceId: backupId });
    if (backup.format === LEGACY_FORMAT) {
      return {
        stream: await this.#o.blobs.download(this.#o.container, backup.blobName),
        fileName: `backup-${backupId}.csv.gz`,
        contentType: "application/gzip",
      };
    }
    const prefix = backup.blobName.slice(0, backup.blobName.lastIndexOf("/") + 1);
    const { manifest } = await this.#readManifest(backup.blobName);
    const files = [
      { file: "manifest.json", blob: backup.blobName },
      ...manifest.parts.map((p) => ({ file: p.file, blob: prefix + p.file })),
    ];
    const blobs = this.#o.blobs;
    const container = this.#o.container;
    const folder = `backup-${backupId}`;
    async function* archive(): AsyncGenerator<Buffer> {
      for (const { file, blob } of files) {
        const properties = await blobs.findProperties(container, blob);
        if (!properties) throw new Error(`Blob ${blob} is missing`);
        yield tarHeader(`${folder}/${file}`, properties.contentLength, properties.lastModified);
        let sent = 0;
        for await (const chunk of await blobs.download(container, blob)) {
          sent += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (sent !== properties.contentLength)
          throw new Error(`Blob ${blob} sent ${sent} bytes, its properties say ${properties.contentLength}`);
        yield tarPadding(sent);
      }
      yield tarEnd();
    }
    return { stream: Readable.from(archive()), fileName: `${folder}.tar`, contentType: "application/x-tar" };
  }

  /** The manifest as committed, its SHA-256 and size (it is small: one read). */
  async #readManifest(name: string): Promise<{ manifest: BackupManifest; sha256: string; sizeBytes: number }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of await this.#o.blobs.download(this.#o.container, name)) {
      size += (chunk as Buffer).length;
      if (size > MANIFEST_MAX_BYTES) throw new Error(`${name} is larger than a manifest can be`);
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    return {
      manifest: JSON.parse(bytes.toString("utf8")) as BackupManifest,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      sizeBytes: bytes.length,
    };
  }

  /**
   * Writes the parts a previous attempt did not commit (the SQL sections, then the SAP pass
   * for the projects and their WBS elements), then the manifest listing them all.
   */
  async #write(
    row: BackupsTable,
    prefix: string,
    manifestName: string,
    cutoffAt: string,
  ): Promise<{ manifest: BackupManifest; sha256: string; sizeBytes: number }> {
    const backupId = row.backup_id;
    const only = row.project_ids ? (JSON.parse(row.project_ids) as string[]) : null;
    const parts = new Map<SectionName, ManifestPart>();
    let projectCount: number | undefined;
    for (const spec of SECTIONS) {
      const properties = await this.#o.blobs.findProperties(this.#o.container, prefix + spec.file);
      const part = properties && adoptedPart(spec, properties.metadata, properties.contentLength);
      if (part) parts.set(spec.name, part);
      if (part && spec.name === "projects") projectCount = Number(properties.metadata.projectcount ?? part.rows);
    }
    let lastProgress = 0;
    const progress = async (value: number) => {
      const rounded = Math.min(99, Math.floor(value));
      if (rounded < lastProgress + 2) return;
      lastProgress = rounded;
      await this.#rows.update(backupId, { progress: rounded });
    };

    const sqlSections = SECTIONS.filter((s) => s.restorable && !parts.has(s.name));
    for (const [i, spec] of sqlSections.entries()) {
      parts.set(spec.name, await this.#writeSqlPart(backupId, prefix, spec, cutoffAt, only));
      await progress((SQL_PHASE_PROGRESS * (i + 1)) / sqlSections.length);
    }
    if (!parts.has("projects") || !parts.has("wbs_elements")) {
      const sap = await this.#writeSapParts(backupId, prefix, cutoffAt, only, parts, (share) =>
        progress(SQL_PHASE_PROGRESS + (100 - SQL_PHASE_PROGRESS) * share),
      );
      projectCount = sap.projectCount;
      for (const part of sap.parts) parts.set(part.section, part);
    }

    const listed = SECTIONS.map((s) => parts.get(s.name)!);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      backupId,
      trigger: row.trigger_source,
      requestedAt: row.created_at,
      cutoffAt,
      writtenAt: this.#o.clock.now().toISOString(),
      projectIds: only,
      projectCount: projectCount ?? 0,
      schemaHash: schemaHashOf(listed.map((p) => ({ name: p.section, columns: p.columns }))),
      parts: listed,
    };
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await this.#o.blobs.uploadCommitted(
      this.#o.container,
      manifestName,
      Readable.from([bytes]),
      () => ({
        backupid: backupId,
        format: BACKUP_FORMAT,
        createdat: manifest.writtenAt,
        cutoffat: cutoffAt,
        schemahash: manifest.schemaHash,
        projectcount: String(manifest.projectCount),
        recordcount: String(parts.get("projects")!.rows),
        sha256,
        sizebytes: String(bytes.length),
      }),
      { contentType: "application/json" },
    );
    return { manifest, sha256, sizeBytes: bytes.length };
  }

  /** One SQL section, read page by page through its owner and written exactly. */
  async #writeSqlPart(
    backupId: string,
    prefix: string,
    spec: SectionSpec,
    cutoffAt: string,
    only: readonly string[] | null,
  ): Promise<ManifestPart> {
    const part = new PartWriter(this.#o.blobs, this.#o.container, prefix + spec.file, spec, backupId);
    const names = spec.columns.map((c) => c.name);
    try {
      for await (const page of sectionRows(this.#o.owners, spec.name as SqlSectionName, cutoffAt, only)) {
        for (const row of page) part.add(exactRecord(names.map((n) => row[n] ?? null)));
        if (part.full) await part.flush();
      }
      return await part.end();
    } catch (error) {
      await part.abort();
      throw error;
    }
  }

  /**
   * One pass over SAP's projects writes the merged projects and their WBS elements (those
   * of the two parts still missing). Each merged project is written as soon as its turn
   * comes and dropped: only MERGE_CONCURRENCY of them live at once.
   */
  async #writeSapParts(
    backupId: string,
    prefix: string,
    cutoffAt: string,
    only: readonly string[] | null,
    done: ReadonlyMap<SectionName, ManifestPart>,
    progress: (share: number) => Promise<void>,
  ): Promise<{ parts: ManifestPart[]; projectCount: number }> {
    const writer = (name: SectionName) =>
      done.has(name)
        ? undefined
        : new PartWriter(
            this.#o.blobs,
            this.#o.container,
            prefix + sectionSpec(name).file,
            sectionSpec(name),
            backupId,
          );
    const projectsPart = writer("projects");
    const wbsPart = writer("wbs_elements");
    const writers = [projectsPart, wbsPart].filter((w): w is PartWriter => w !== undefined);
    try {
      let projects = 0;
      for await (const page of only ? listPages(only) : this.#o.projects.projectIds(1000)) {
        for await (const p of this.#o.projects.readMergedPage(page.projectIds, MERGE_CONCURRENCY, cutoffAt)) {
          if (!p) continue;
          if (projectsPart) {
            let line = "";
            for (let i = 0; i < PROJECT_COLUMNS.length; i++)
              line += (i === 0 ? "" : ",") + csvField(PROJECT_COLUMNS[i]!.value(p));
            projectsPart.add(`${line}\n`);
            if (projectsPart.full) await projectsPart.flush();
          }
          if (wbsPart) {
            for (const w of p.wbsElements)
              wbsPart.add(`${csvField(p.projectId)},${csvField(w.pep)},${csvField(w.description)},${w.level}\n`);
            if (wbsPart.full) await wbsPart.flush();
          }
        }
        projects += page.projectIds.length;
        await progress(projects / Math.max(1, page.total));
      }
      projectsPart?.setMetadata("projectcount", String(projects));
      // One after the other: when the first cannot commit, the second is abandoned uncommitted.
      const parts: ManifestPart[] = [];
      for (const w of writers) parts.push(await w.end());
      return { parts, projectCount: projects };
    } catch (error) {
      await Promise.all(writers.map((w) => w.abort()));
      throw error;
    }
  }

  /** A sectioned backup's problems: the manifest against the log, every part against the manifest. */
  async #sectionProblems(backup: Backup): Promise<string[]> {
    const problems: string[] = [];
    const name = backup.blobName!;
    let manifest: BackupManifest;
    try {
      const read = await this.#readManifest(name);
      manifest = read.manifest;
      if (read.sha256 !== backup.sha256) problems.push(`manifest: SHA-256 is ${read.sha256}, logged ${backup.sha256}`);
    } catch (error) {
      return [`the manifest could not be read: ${(error as Error).message}`];
    }
    const hash = schemaHashOf(manifest.parts.map((p) => ({ name: p.section, columns: p.columns })));
    if (hash !== manifest.schemaHash || hash !== backup.schemaHash)
      problems.push("the sections' columns do not match the logged schema hash");
    for (const logged of backup.sections ?? []) {
      const part = manifest.parts.find((p) => p.section === logged.section);
      if (!part) problems.push(`${logged.section}: logged, but not in the manifest`);
      else if (part.rows !== logged.rows || part.sha256 !== logged.sha256)
        problems.push(`${logged.section}: the manifest's rows or SHA-256 differ from the log`);
    }
    const prefix = name.slice(0, name.lastIndexOf("/") + 1);
    for (const part of manifest.parts) {
      try {
        problems.push(
          ...partProblems(part, await readPart(await this.#o.blobs.download(this.#o.container, prefix + part.file))),
        );
      } catch (error) {
        problems.push(`${part.section}: could not be read: ${(error as Error).message}`);
      }
    }
    return problems;
  }

  /** A "csv/1" backup's problems: its SHA-256, record count and schema hash. */
  async #legacyProblems(backup: Backup): Promise<string[]> {
    const problems: string[] = [];
    try {
      const hash = createHash("sha256");
      let header: string | undefined;
      let lines = 0;
      let tail = "";
      const source = await this.#o.blobs.download(this.#o.container, backup.blobName!);
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
          : header === LEGACY_HEADER
            ? LEGACY_SCHEMA_HASH
            : createHash("sha256").update(header).digest("hex");
      if (schema !== backup.schemaHash) problems.push("its columns do not match the logged schema hash");
    } catch (error) {
      problems.push(`could not be read: ${(error as Error).message}`);
    }
    return problems;
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
    format: row.format ?? LEGACY_FORMAT,
    cutoffAt: row.cutoff_at,
    sections: row.sections ? (JSON.parse(row.sections) as BackupSection[]) : null,
  };
}

function toSection(part: ManifestPart): BackupSection {
  return {
    section: part.section,
    description: part.description,
    restorable: part.restorable,
    rows: part.rows,
    sha256: part.sha256,
    sizeBytes: part.sizeBytes,
  };
}
