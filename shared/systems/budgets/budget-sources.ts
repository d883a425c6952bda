import { createHash, randomUUID } from "node:crypto";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { CronExpressionParser } from "cron-parser";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { Logger } from "../../foundation/logger.js";
import { NotFoundError, ValidationError } from "../../kernel/errors.js";
import type { Alerter } from "../../ports/alerter.js";
import {
  BudgetSourceUnavailableError,
  type BudgetFileSource,
  type BudgetSourceConnection,
  type OpenBudgetFileSource,
  type RemoteBudgetFile,
} from "../../ports/budget-file-source.js";
import type { Clock } from "../../ports/clock.js";
import type { SecretStore } from "../../ports/secret-store.js";
import type { BudgetImports, Caller } from "./budget-imports.js";
import { BudgetSourceRepository, type SourceFileRow, type SourceRow } from "./budget-source-repository.js";
import type { BudgetSourceTables, BudgetSourceType, SourceFileStatus } from "./budget-source-tables.js";
import type { BudgetCaller, CustomerAccess } from "./customer-access.js";
import type { Kysely } from "kysely";

/** What an admin sets on a source: the type's settings and the Key Vault names of its credentials. */
export type SourceSettings =
  | {
      readonly sourceType: "sftp";
      readonly config: {
        readonly host: string;
        readonly port: number;
        readonly username: string;
        readonly folder: string;
        readonly pattern: string;
        readonly hostKeyFingerprint: string | null;
      };
      readonly secretRefs: { readonly password?: string; readonly privateKey?: string };
    }
  | {
      readonly sourceType: "blob";
      readonly config: { readonly container: string; readonly folder: string; readonly pattern: string };
      readonly secretRefs: Record<string, never>;
    }
  | {
      readonly sourceType: "s3";
      readonly config: {
        readonly bucket: string;
        readonly region: string;
        readonly folder: string;
        readonly pattern: string;
      };
      readonly secretRefs: { readonly accessKeyId: string; readonly secretAccessKey: string };
    }
  | {
      readonly sourceType: "sheets";
      readonly config: { readonly spreadsheetId: string; readonly range: string };
      /** An API key, or a service account's JSON key (the sheet shared with its client_email). */
      readonly secretRefs: { readonly apiKey?: string; readonly serviceAccountKey?: string };
    };

export type SourceInput = SourceSettings & {
  readonly name: string;
  /** Cron (five or six fields, UTC): when the source is due for a poll. */
  readonly schedule: string;
  readonly enabled: boolean;
};

export interface SourceView {
  readonly sourceId: string;
  readonly customerId: string;
  readonly name: string;
  readonly sourceType: BudgetSourceType;
  readonly config: Record<string, unknown>;
  /** Key Vault secret names only; the values never leave the vault. */
  readonly secretRefs: Record<string, string>;
  readonly schedule: string;
  readonly enabled: boolean;
  readonly nextDueAt: string;
  readonly lastPolledAt: string | null;
  readonly lastStatus: "ok" | "failed" | null;
  readonly lastError: string | null;
  /** Files waiting for someone to import them by hand (not a budget, or no confident mapping). */
  readonly heldFiles: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SourceFileView {
  readonly remotePath: string;
  readonly sizeBytes: number;
  readonly modifiedAt: string;
  readonly contentSha256: string;
  readonly status: SourceFileStatus;
  readonly reason: string | null;
  readonly likelyType: string | null;
  /** The analyzed file (for a manual import of a held one). */
  readonly fileId: string | null;
  readonly importId: string | null;
  readonly seenAt: string;
}

export interface PollSummary {
  readonly sourcesPolled: number;
  readonly imported: number;
  readonly held: number;
  readonly failed: number;
}

export interface BudgetSourcesOptions {
  readonly db: Kysely<BudgetSourceTables>;
  readonly clock: Clock;
  readonly secrets: SecretStore;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly access: CustomerAccess;
  readonly imports: BudgetImports;
  readonly open: OpenBudgetFileSource;
  readonly leaseSeconds: number;
  readonly maxFileBytes: number;
  /** Unpinned SFTP host keys accepted (local only). */
  readonly allowUnpinnedSftp: boolean;
}

/** The poll acts as this (an admin of every customer) in imports and the audit log. */
const POLL_CALLER: Caller = { userId: "budget-source-poll", roles: ["admin"] };
const SOURCES_PER_RUN = 25;
const SHOWN_FILES = 200;
/** The seed's "SFTP connection failures > 3 in 1 hour". */
const FAILURE_WINDOW_MS = 60 * 60_000;
const FAILURES_BEFORE_ALERT = 3;

/**
 * Customers' budget data sources (seed 004: SFTP, Blob, S3, Sheets), each polled on its own
 * cron schedule under a lease. Every new file version is analyzed and imported with the
 * customer's learned mapping; a file that is not a budget, or whose mapping is not certain,
 * is held for a person instead. A file version is taken once: path, size and time, then its
 * content hash, are recorded before anything else looks at it again.
 */
export class BudgetSources {
  readonly #o: BudgetSourcesOptions;
  readonly #rows: BudgetSourceRepository;

  constructor(options: BudgetSourcesOptions) {
    this.#o = options;
    this.#rows = new BudgetSourceRepository(options.db);
  }

  async create(caller: BudgetCaller, customerId: string, input: SourceInput, actor: Actor): Promise<SourceView> {
    await this.#o.access.assert(caller, customerId);
    this.#check(input);
    const now = this.#o.clock.now().toISOString();
    const sourceId = randomUUID();
    await this.#rows.insert({
      source_id: sourceId,
      customer_id: customerId,
      ...this.#fields(input),
      // A new source is polled at the next run, then on its schedule.
      next_due_at: now,
      lease_until: null,
      last_polled_at: null,
      last_status: null,
      last_error: null,
      failure_alerted_at: null,
      created_at: now,
      updated_at: now,
    });
    await this.#audit(actor, "budget.source_created", sourceId, customerId);
    return this.get(caller, sourceId);
  }

  async list(caller: BudgetCaller, customerId: string): Promise<SourceView[]> {
    await this.#o.access.assert(caller, customerId);
    return Promise.all((await this.#rows.sourcesOf(customerId)).map((r) => this.#view(r)));
  }

  async get(caller: BudgetCaller, sourceId: string): Promise<SourceView> {
    return this.#view(await this.#visible(caller, sourceId));
  }

  async update(caller: BudgetCaller, sourceId: string, input: SourceInput, actor: Actor): Promise<SourceView> {
    const row = await this.#visible(caller, sourceId);
    this.#check(input);
    const now = this.#o.clock.now();
    await this.#rows.update(sourceId, {
      ...this.#fields(input),
      next_due_at: nextRun(input.schedule, now),
      updated_at: now.toISOString(),
    });
    await this.#audit(actor, "budget.source_updated", sourceId, row.customer_id);
    return this.get(caller, sourceId);
  }

  async remove(caller: BudgetCaller, sourceId: string, actor: Actor): Promise<void> {
    const row = await this.#visible(caller, sourceId);
    await this.#rows.remove(sourceId);
    await this.#audit(actor, "budget.source_deleted", sourceId, row.customer_id);
  }

  async files(caller: BudgetCaller, sourceId: string): Promise<SourceFileView[]> {
    await this.#visible(caller, sourceId);
    return (await this.#rows.filesOf(sourceId, SHOWN_FILES)).map(fileView);
  }

  /** The timer's work: every due source no other instance holds, one at a time. */
  async pollDue(correlationId?: string): Promise<PollSummary> {
    const now = this.#o.clock.now();
    const due = await this.#rows.due(now.toISOString(), SOURCES_PER_RUN);
    const summary = { sourcesPolled: 0, imported: 0, held: 0, failed: 0 };
    for (const source of due) {
      const until = new Date(now.getTime() + this.#o.leaseSeconds * 1000).toISOString();
      if (!(await this.#rows.lease(source.source_id, now.toISOString(), until))) continue;
      summary.sourcesPolled++;
      try {
        const counts = await this.#poll(source, correlationId);
        summary.imported += counts.imported;
        summary.held += counts.held;
      } catch (error) {
        summary.failed++;
        await this.#failed(source, now, error);
      } finally {
        await this.#rows.update(source.source_id, {
          lease_until: null,
          last_polled_at: now.toISOString(),
          next_due_at: nextRun(source.schedule, now),
        });
      }
    }
    return summary;
  }

  async #poll(source: SourceRow, correlationId?: string): Promise<{ imported: number; held: number }> {
    const remote = await this.#o.open(await this.#connection(source));
    const counts = { imported: 0, held: 0 };
    try {
      for (const file of await remote.list()) {
        const status = await this.#take(source, remote, file, correlationId);
        if (status === "imported") counts.imported++;
        if (status === "held") counts.held++;
      }
    } finally {
      await remote.close();
    }
    await this.#rows.update(source.source_id, { last_status: "ok", last_error: null });
    this.#o.logger.info("Budget source polled", {
      source_id: source.source_id,
      customer_id: source.customer_id,
      ...counts,
    });
    return counts;
  }

  /** One listed file: skipped when this version was taken before, else recorded with what became of it. */
  async #take(
    source: SourceRow,
    remote: BudgetFileSource,
    file: RemoteBudgetFile,
    correlationId?: string,
  ): Promise<SourceFileStatus | "seen"> {
    const versionKey = sha256(`${file.path}\n${file.sizeBytes}\n${file.modifiedAt}`);
    if (await this.#rows.hasVersion(source.source_id, versionKey)) return "seen";
    const base = {
      source_id: source.source_id,
      customer_id: source.customer_id,
      version_key: versionKey,
      remote_path: file.path.slice(0, 1000),
      size_bytes: file.sizeBytes,
      modified_at: file.modifiedAt,
      likely_type: null,
      file_id: null,
      import_id: null,
    };
    const record = async (status: SourceFileStatus, fields: Partial<SourceFileRow> & { content_sha256: string }) => {
      await this.#rows.recordFile({
        ...base,
        reason: null,
        ...fields,
        status,
        seen_at: this.#o.clock.now().toISOString(),
      });
      return status;
    };
    if (file.sizeBytes > this.#o.maxFileBytes)
      return record("failed", {
        content_sha256: "",
        reason: `larger than BUDGETS_MAX_FILE_BYTES (${this.#o.maxFileBytes})`,
      });
    // A download that fails is the source's failure (retried next poll), not the file's.
    const bytes = await readCapped(await remote.download(file), this.#o.maxFileBytes);
    if (!bytes) return record("failed", { content_sha256: "", reason: "grew past BUDGETS_MAX_FILE_BYTES while read" });
    const contentSha256 = sha256(bytes);
    const same = await this.#rows.sameContent(source.source_id, contentSha256);
    if (same)
      return record("duplicate", { content_sha256: contentSha256, reason: `same content as ${same.remote_path}` });

    const caller: Caller = { ...POLL_CALLER, ...(correlationId ? { correlationId } : {}) };
    const fileName = fileNameOf(file.path);
    let analysis: Awaited<ReturnType<BudgetImports["analyze"]>>;
    try {
      analysis = await this.#o.imports.analyze({ bytes, fileName }, source.customer_id, caller);
    } catch (error) {
      return record("failed", {
        content_sha256: contentSha256,
        reason: `could not be read: ${(error as Error).message}`.slice(0, 500),
      });
    }
    const detected = {
      content_sha256: contentSha256,
      likely_type: analysis.fileTypeDetection.likelyFileType,
      file_id: analysis.fileId,
    };
    if (analysis.duplicateOf)
      return record("duplicate", { ...detected, reason: `already imported as ${analysis.duplicateOf.importId}` });
    const hold = holdReason(analysis);
    if (hold) {
      await this.#o.alerts.raise({
        source: "budget-sources",
        severity: "warning",
        title: "Budget file held for review",
        message: `${fileName} from ${source.name} (customer ${source.customer_id}) was not imported: ${hold}`,
        details: { source_id: source.source_id, customer_id: source.customer_id, remote_path: file.path, reason: hold },
        dedupKey: `budget-source:${source.source_id}:${contentSha256}`,
        ...(correlationId ? { correlationId } : {}),
      });
      return record("held", { ...detected, reason: hold });
    }
    const done = await this.#o.imports.import(
      {
        customerId: source.customer_id,
        fileId: analysis.fileId!,
        fileName,
        mappings: analysis.mappings.map((m) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField })),
        dryRun: false,
        origin: { sourceType: source.source_type, sourceId: source.source_id, sourceName: source.name },
      },
      caller,
    );
    // A re-import waits for approval as an upload does: its diff, then POST .../commit.
    return record(done.status === "failed" ? "failed" : "imported", {
      ...detected,
      import_id: done.importId,
      reason:
        done.status === "failed"
          ? "rows in error; nothing imported"
          : done.status === "awaiting_approval"
            ? `awaiting approval: GET /api/v1/imports/${done.importId}/diff, then POST /api/v1/imports/${done.importId}/commit`
            : done.status,
    });
  }

  /** A failed poll is counted; past three in an hour an alert goes out, at most once an hour. */
  async #failed(source: SourceRow, now: Date, error: unknown): Promise<void> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const expected = error instanceof BudgetSourceUnavailableError;
    this.#o.logger[expected ? "warn" : "error"]("Budget source poll failed", {
      source_id: source.source_id,
      customer_id: source.customer_id,
      source_type: source.source_type,
      ...(expected ? { reason: message } : { error }),
    });
    const at = now.toISOString();
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    await this.#rows.recordFailure(source.source_id, at, message);
    await this.#rows.pruneFailures(source.source_id, since);
    await this.#rows.update(source.source_id, { last_status: "failed", last_error: message });
    const failures = await this.#rows.failuresSince(source.source_id, since);
    const alertedRecently = source.failure_alerted_at !== null && source.failure_alerted_at >= since;
    if (failures <= FAILURES_BEFORE_ALERT || alertedRecently) return;
    await this.#o.alerts.raise({
      source: "budget-sources",
      severity: "warning",
      title: `Budget source ${source.source_type.toUpperCase()} failing`,
      message: `${source.name} (customer ${source.customer_id}) failed ${failures} times in the last hour: ${message}`,
      details: { source_id: source.source_id, customer_id: source.customer_id, failures },
      dedupKey: `budget-source:${source.source_id}:failures`,
    });
    await this.#rows.update(source.source_id, { failure_alerted_at: at });
  }

  /** The source's settings with its credentials read from the vault, for this poll only. */
  async #connection(source: SourceRow): Promise<BudgetSourceConnection> {
    const config = JSON.parse(source.config_json) as Record<string, unknown>;
    const refs = JSON.parse(source.secrets_json) as Record<string, string>;
    const secret = async (key: string): Promise<string | undefined> => {
      const name = refs[key];
      if (name === undefined) return undefined;
      const value = await this.#o.secrets.findSecret(name);
      if (value === undefined)
        throw new BudgetSourceUnavailableError(`Key Vault secret ${name} (${key}) is not set`, source.source_type);
      return value;
    };
    switch (source.source_type) {
      case "sftp": {
        const password = await secret("password");
        const privateKey = await secret("privateKey");
        return {
          type: "sftp",
          ...(config as Omit<Extract<SourceSettings, { sourceType: "sftp" }>["config"], never>),
          ...(password !== undefined ? { password } : {}),
          ...(privateKey !== undefined ? { privateKey } : {}),
        };
      }
      case "blob":
        return { type: "blob", ...(config as Extract<SourceSettings, { sourceType: "blob" }>["config"]) };
      case "s3":
        return {
          type: "s3",
          ...(config as Extract<SourceSettings, { sourceType: "s3" }>["config"]),
          accessKeyId: (await secret("accessKeyId")) ?? "",
          secretAccessKey: (await secret("secretAccessKey")) ?? "",
        };
      case "sheets": {
        const serviceAccountKey = await secret("serviceAccountKey");
        const apiKey = serviceAccountKey === undefined ? await secret("apiKey") : undefined;
        return {
          type: "sheets",
          ...(config as Extract<SourceSettings, { sourceType: "sheets" }>["config"]),
          ...(serviceAccountKey !== undefined ? { serviceAccountKey } : {}),
          ...(apiKey !== undefined ? { apiKey } : {}),
        };
      }
    }
  }

  #check(input: SourceInput): void {
    const issues: { field: string; message: string }[] = [];
    try {
      nextRun(input.schedule, this.#o.clock.now());
    } catch {
      issues.push({ field: "schedule", message: "is not a cron expression (five or six fields, UTC)" });
    }
    if (input.sourceType === "sftp") {
      if (input.config.hostKeyFingerprint === null && !this.#o.allowUnpinnedSftp)
        issues.push({
          field: "config.hostKeyFingerprint",
          message: "is required: pin the server's host key (SHA256:... as ssh-keygen -lf prints it)",
        });
      if (input.secretRefs.password === undefined && input.secretRefs.privateKey === undefined)
        issues.push({ field: "secretRefs", message: "name the Key Vault secret of a password or a private key" });
    }
    if (
      input.sourceType === "sheets" &&
      (input.secretRefs.apiKey === undefined) === (input.secretRefs.serviceAccountKey === undefined)
    )
      issues.push({
        field: "secretRefs",
        message:
          "name the Key Vault secret of either an API key (apiKey) or a service-account JSON key (serviceAccountKey)",
      });
    if (issues.length > 0) throw new ValidationError(issues);
  }

  #fields(input: SourceInput) {
    return {
      name: input.name,
      source_type: input.sourceType,
      config_json: JSON.stringify(input.config),
      secrets_json: JSON.stringify(input.secretRefs),
      schedule: input.schedule,
      enabled: input.enabled ? 1 : 0,
    };
  }

  async #visible(caller: BudgetCaller, sourceId: string): Promise<SourceRow> {
    // Another customer's source is "not found", never a hint that it exists.
    const row = await this.#rows.find(await this.#o.access.scopeOf(caller), sourceId);
    if (!row) throw new NotFoundError("Budget source", sourceId);
    return row;
  }

  async #view(row: SourceRow): Promise<SourceView> {
    return {
      sourceId: row.source_id,
      customerId: row.customer_id,
      name: row.name,
      sourceType: row.source_type,
      config: JSON.parse(row.config_json) as Record<string, unknown>,
      secretRefs: JSON.parse(row.secrets_json) as Record<string, string>,
      schedule: row.schedule,
      enabled: row.enabled === 1,
      nextDueAt: row.next_due_at,
      lastPolledAt: row.last_polled_at,
      lastStatus: row.last_status,
      lastError: row.last_error,
      heldFiles: await this.#rows.heldCount(row.source_id),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async #audit(actor: Actor, action: string, sourceId: string, customerId: string): Promise<void> {
    await this.#o.audit.record(actor, {
      action,
      resourceType: "budget_source",
      resourceId: sourceId,
      details: { customer_id: customerId },
    });
  }
}

/** Why a polled file waits for a person, or null when it can be imported as it is. */
function holdReason(analysis: Awaited<ReturnType<BudgetImports["analyze"]>>): string | null {
  const type = analysis.fileTypeDetection.likelyFileType;
  if (analysis.purged || type !== "budget" || !analysis.canProceed)
    return `looks like a ${type} file, not a budget${analysis.purged ? " (personal data: not kept)" : ""}`;
  if (analysis.learnedFrom === null)
    return "no mapping was learned for these columns yet; import one such file through the API first";
  if (analysis.missingRequired.length > 0) return `the mapping misses ${analysis.missingRequired.join(", ")}`;
  return null;
}

function nextRun(schedule: string, from: Date): string {
  return CronExpressionParser.parse(schedule, { tz: "UTC", currentDate: from }).next().toDate().toISOString();
}

function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The name analyze and the import history show; a sheet's range reads as a CSV file. */
function fileNameOf(path: string): string {
  const name = posix.basename(path) || "source-file";
  return /\.(csv|txt|xlsx|xls|tsv)$/i.test(name) ? name : `${name}.csv`;
}

/** The stream's bytes, or null past the cap (the rest is not read). */
async function readCapped(stream: Readable, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > max) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function fileView(row: SourceFileRow): SourceFileView {
  return {
    remotePath: row.remote_path,
    sizeBytes: Number(row.size_bytes),
    modifiedAt: row.modified_at,
    contentSha256: row.content_sha256,
    status: row.status,
    reason: row.reason,
    likelyType: row.likely_type,
    fileId: row.file_id,
    importId: row.import_id,
    seenAt: row.seen_at,
  };
}
