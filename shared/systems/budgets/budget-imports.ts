import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import { tablesOf } from "../../foundation/sql/database.js";
import { readAll, sampleCsv, scanFile } from "../../foundation/tabular/file-sample.js";
import { readTabular, type TabularLimits, type TabularRow, type TabularSheet } from "../../foundation/tabular/index.js";
import { bestSheet, closeRows, fileRows, sheetRows, type RowSource } from "../../foundation/tabular/row-source.js";
import { sniffFormat } from "../../foundation/tabular/sniff.js";
import { analyzeBudgetColumns, type ColumnMapping, type FileTypeDetection } from "../../kernel/column-mapping/index.js";
import { ConflictError, DomainError, NotFoundError } from "../../kernel/errors.js";
import { toMoney } from "../../kernel/money.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import { BudgetImportRepository, type ImportRow, type RowError, type StagedLine } from "./budget-import-repository.js";
import { checkBudgetMappings, RowChecker } from "./budget-import-rows.js";
import type { BudgetImportTables } from "./budget-import-tables.js";
import { BUDGETS_QUEUES } from "./budgets-queues.js";
import type { BudgetsTables } from "./budgets-tables.js";
import type { BudgetCaller, CustomerAccess } from "./customer-access.js";
import type { Kysely } from "kysely";

/** Who is asking: the signed-in caller (customer isolation) with the request's audit details. */
export type Caller = BudgetCaller & Actor;

export interface AnalyzeResult {
  readonly fileId: string | null;
  readonly fileName: string;
  readonly totalRows: number;
  readonly headers: readonly string[];
  readonly sampleRows: readonly (readonly string[])[];
  readonly mappings: readonly ColumnMapping[];
  readonly missingRequired: readonly string[];
  /** The import whose confirmed mapping was proposed (confidence 1), if one fitted. */
  readonly learnedFrom: string | null;
  readonly fileTypeDetection: Omit<FileTypeDetection, "containsPersonalData">;
  readonly canProceed: boolean;
  /** The customer already imported a file with these exact bytes. */
  readonly duplicateOf: {
    readonly importId: string;
    readonly fileName: string;
    readonly importedAt: string | null;
  } | null;
  /** Set when the file held personal data and was not kept. */
  readonly purged: boolean;
}

/**
 * An uploaded file analyze reads: its bytes, or (a large upload spooled to disk) its size and
 * a fresh stream over it each time asked, so it is never held whole.
 */
export type AnalyzeFile =
  | { readonly bytes: Uint8Array; readonly fileName: string | null }
  | { readonly size: number; open(): Readable; readonly fileName: string | null };

export interface ImportRequest {
  readonly customerId: string;
  readonly fileId: string;
  readonly fileName?: string;
  readonly mappings: readonly { readonly sourceColumn: string; readonly targetField: string }[];
  readonly dryRun: boolean;
  /** A polled file's data source: the import's source type becomes its type (sftp, blob, s3, sheets). */
  readonly origin?: ImportOrigin;
}

/** Where a polled file came from, as the import history shows it. */
export interface ImportOrigin {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly sourceName: string;
}

/** The seed's inline import: the rows in the body (the header row first), for small tables only. */
export interface RowsImportRequest {
  readonly customerId: string;
  readonly fileName?: string;
  readonly mappings: readonly { readonly sourceColumn: string; readonly targetField: string }[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
  readonly dryRun: boolean;
}

export interface ImportDiff {
  readonly added: readonly DiffLine[];
  readonly changed: readonly (DiffLine & { readonly oldAmount: string })[];
  readonly removed: readonly DiffLine[];
  readonly unchanged: number;
}

interface DiffLine {
  readonly department: string;
  readonly subCategory: string;
  readonly fiscalPeriod: string;
  readonly costCenter: string;
  readonly currency: string;
  readonly amount: string;
}

export interface ImportView {
  readonly importId: string;
  readonly customerId: string;
  readonly fileName: string;
  /** csv or excel for an upload, rows for an inline table, the data source's type for a polled file. */
  readonly sourceType: string;
  /** The data source of a polled file; null for uploads. */
  readonly sourceId: string | null;
  readonly sourceName: string | null;
  readonly status: ImportRow["status"];
  readonly imported: number;
  readonly stats: { readonly totalRows: number; readonly successRows: number; readonly errorRows: number };
  readonly errors: readonly { rowNumber: number; column: string; value: string; message: string }[];
  readonly diffSummary: { added: number; changed: number; removed: number; unchanged: number } | null;
  /** A queued import's progress: rows read and lines staged so far, percent when the row count is known. */
  readonly progress: {
    readonly rowsRead: number;
    readonly rowsStaged: number;
    readonly totalRows: number | null;
    readonly percent: number | null;
  };
  /** Where the import's status is read (GET). */
  readonly statusUrl: string;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

export interface BudgetImportsOptions {
  readonly db: Kysely<BudgetImportTables & BudgetsTables>;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly container: string;
  readonly limits: TabularLimits;
  readonly defaultCurrency: string;
  /** Customer isolation, shared with the rest of the budgets system. */
  readonly access: CustomerAccess;
  readonly jobs: JobProtocol;
  /** Told in the transaction that ends an import completed or failed (webhooks); runs its answer after commit. */
  readonly onFinished?: <T>(trx: Kysely<T>, importId: string) => Promise<() => Promise<void>>;
  /** Files of at least this many bytes import as a queued job. */
  readonly queuedMinBytes: number;
  /** Most rows an inline (`rows`) import may send. */
  readonly inlineMaxRows: number;
}

/** The budget-imports queue's message, validated like a body by the queue function. */
export interface BudgetImportMessage {
  readonly importId: string;
}

const SAMPLE_ROWS = 10;
/** Errors shown with an import (all are stored). */
const SHOWN_ERRORS = 100;
/** Rows analyze reads of a streamed (large) CSV to propose its mapping; the rest are only counted. */
const ANALYZE_SAMPLE_ROWS = 1_000;
/**
 * Rows read and staged per transaction, with one progress update: a few milliseconds of
 * work, so a status request waits no longer than that for the connection.
 */
const STAGE_BATCH = 2_000;
/** Lines sent to SQL at a time within a batch's transaction. */
const STAGE_CHUNK = 100;

/** A newer delivery took the import over; this one stops without touching it. */
class SupersededAttempt extends Error {}

/**
 * Budget files (seed 004): analyze proposes a mapping (the customer's learned one first) and
 * judges the file's type from its content; payroll is never kept. Import validates every row
 * and stages the lines; a first import commits at once, a re-import waits for its diff to be
 * approved. Committing replaces the customer's budget in one transaction.
 *
 * Every import takes one path: rows checked one at a time, staged in batches, duplicates
 * and the diff counted in SQL, then committed in one transaction. A small file (or inline
 * rows) runs it within the request, in one transaction; a file of
 * BUDGETS_QUEUED_IMPORT_MIN_BYTES or more runs it as a job (the job protocol), streamed
 * from storage, staging outside the commit so its progress shows. A delivery that dies
 * anywhere leaves the budget as it was; the next delivery starts the staging again (its
 * attempt number fences the old one out) and a finished import is never run twice.
 */
export class BudgetImports {
  readonly #o: BudgetImportsOptions;
  readonly #rows: BudgetImportRepository;

  constructor(options: BudgetImportsOptions) {
    this.#o = options;
    this.#rows = new BudgetImportRepository(options.db, options.clock);
  }

  async analyze(file: AnalyzeFile, customerId: string, caller: Caller): Promise<AnalyzeResult> {
    await this.#access(customerId, caller);
    const fileName = file.fileName ?? "upload";
    const size = "bytes" in file ? file.bytes.byteLength : file.size;
    const open = "bytes" in file ? () => Readable.from([Buffer.from(file.bytes)]) : () => file.open();
    const { format, sheet, sha256 } = await this.#analyzedSheet(size, open, fileName);
    const learned = await this.#rows.latestLearned(customerId, analyzeBudgetColumns(sheet).headerShapeKey);
    const analysis = analyzeBudgetColumns(sheet, learned ? { learned } : {});
    const { containsPersonalData, ...detection } = analysis.fileTypeDetection;
    if (!analysis.canProceed) this.#o.metrics.fileTypeWarnings.inc({ likely_type: detection.likelyFileType });
    const fileId = randomUUID();
    const now = this.#o.clock.now().toISOString();
    let blobName: string | null = null;
    if (!containsPersonalData) {
      blobName = `${customerId}/${fileId}`;
      // Streamed: storage takes the file block by block.
      await this.#o.blobs.upload(this.#o.container, blobName, open(), {
        metadata: { customer_id: customerId, sha256 },
      });
    }
    // Payroll and other personal data: only the fingerprint and the verdict are kept.
    await this.#rows.insertFile({
      file_id: fileId,
      customer_id: customerId,
      content_sha256: sha256,
      file_name: fileName.slice(0, 255),
      size_bytes: size,
      blob_name: blobName,
      format,
      likely_type: detection.likelyFileType,
      can_proceed: analysis.canProceed ? 1 : 0,
      verdict_json: JSON.stringify(detection),
      header_key: analysis.headerShapeKey,
      row_count: sheet.totalRows,
      status: containsPersonalData ? "purged" : "analyzed",
      created_by: caller.userId,
      created_at: now,
    });
    await this.#o.audit.record(caller, {
      action: containsPersonalData ? "budget.file_purged" : "budget.file_analyzed",
      resourceType: "budget_file",
      resourceId: fileId,
      details: { customer_id: customerId, likely_type: detection.likelyFileType, sha256 },
    });
    const previous = await this.#rows.importOfContent(customerId, sha256);
    return {
      fileId: containsPersonalData ? null : fileId,
      fileName,
      totalRows: sheet.totalRows,
      headers: sheet.headers,
      // Personal data is not echoed back either.
      sampleRows: containsPersonalData ? [] : sheet.rows.slice(0, SAMPLE_ROWS),
      mappings: analysis.mappings,
      missingRequired: analysis.missingRequired,
      learnedFrom: analysis.learnedFrom ?? null,
      fileTypeDetection: detection,
      canProceed: analysis.canProceed,
      duplicateOf: previous
        ? { importId: previous.import_id, fileName: previous.file_name, importedAt: previous.completed_at }
        : null,
      purged: containsPersonalData,
    };
  }

  /**
   * Imports an analyzed file. Below BUDGETS_QUEUED_IMPORT_MIN_BYTES it runs within the
   * request and answers the finished import; from it on it is queued and answers the
   * import `queued` (its statusUrl shows the progress).
   */
  async import(request: ImportRequest, caller: Caller): Promise<ImportView> {
    await this.#access(request.customerId, caller);
    const file = await this.#rows.findFile(request.customerId, request.fileId);
    if (!file) throw new NotFoundError("Budget file", request.fileId);
    if (!file.blob_name)
      throw new ConflictError("This file held personal data and was not kept; it cannot be imported");
    if (file.can_proceed !== 1)
      throw new ConflictError(`This file looks like a ${file.likely_type} file, not a budget; it cannot be imported`, {
        likely_type: file.likely_type,
      });
    const source = await fileRows(
      await this.#o.blobs.download(this.#o.container, file.blob_name),
      file.format,
      file.file_name,
      this.#o.limits,
    );
    // The mapping is checked against the header now, so a wrong one is a 400, never a failed job.
    let columns: ReadonlyMap<string, number>;
    try {
      columns = checkBudgetMappings(request.mappings, source.headers);
    } catch (error) {
      await closeRows(source);
      throw error;
    }
    const row = {
      customerId: request.customerId,
      fileId: file.file_id,
      fileName: (request.fileName ?? file.file_name).slice(0, 255),
      sourceType: request.origin?.sourceType ?? (file.format === "xlsx" ? "excel" : "csv"),
      mappings: request.mappings,
      headerKey: file.header_key,
      dryRun: request.dryRun,
      ...(request.origin ? { origin: request.origin } : {}),
    };
    if (file.size_bytes >= this.#o.queuedMinBytes) {
      await closeRows(source);
      return this.#queue(row, caller);
    }
    return this.#runInline(row, source, columns, caller);
  }

  /** The seed's inline import: the body's rows (header row first) take the same checks and staging as a file. */
  async importRows(request: RowsImportRequest, caller: Caller): Promise<ImportView> {
    await this.#access(request.customerId, caller);
    const dataRows = request.rows.length - 1;
    if (dataRows > this.#o.inlineMaxRows)
      throw new DomainError(
        "PAYLOAD_TOO_LARGE",
        `An inline import takes at most ${this.#o.inlineMaxRows} rows (BUDGETS_INLINE_MAX_ROWS); this one has ${dataRows}. Upload the file through /api/v1/excel/analyze instead.`,
        { limit_rows: this.#o.inlineMaxRows, setting: "BUDGETS_INLINE_MAX_ROWS" },
      );
    const text = (cell: string | number | boolean | null) => (cell === null ? "" : String(cell).trim());
    const [header = [], ...body] = request.rows;
    const headers = header.map(text);
    const source = sheetRows("rows", {
      name: null,
      headerRowIndex: 0,
      headers,
      rows: body.map((r) => r.map(text)),
      // Row 1 is the header row, as a file's line 1 would be.
      rowNumbers: body.map((_, i) => i + 2),
      totalRows: body.length,
    });
    const columns = checkBudgetMappings(request.mappings, headers);
    return this.#runInline(
      {
        customerId: request.customerId,
        fileId: null,
        fileName: (request.fileName ?? "inline rows").slice(0, 255),
        sourceType: "rows",
        mappings: request.mappings,
        headerKey: null,
        dryRun: request.dryRun,
      },
      source,
      columns,
      caller,
    );
  }

  /** The budget-imports queue's worker: runs the queued import once; a finished one is left alone. */
  async runImportJob(importId: string): Promise<void> {
    const attempt = await this.#rows.startAttempt(importId);
    if (attempt === undefined) return;
    const row = (await this.#rows.findImport("all", importId))!;
    const file = row.file_id ? await this.#rows.findFile(row.customer_id, row.file_id) : undefined;
    if (!file?.blob_name) {
      await this.failImportJob(importId, "The import's file is no longer stored");
      return;
    }
    this.#o.logger.info("Budget import started", { import_id: importId, attempt, customer_id: row.customer_id });
    const source = await fileRows(
      await this.#o.blobs.download(this.#o.container, file.blob_name),
      file.format,
      file.file_name,
      this.#o.limits,
    );
    const mappings = JSON.parse(row.mapping_json) as ImportRequest["mappings"];
    try {
      const outcome = await this.#run(this.#rows, row, attempt, source, checkBudgetMappings(mappings, source.headers));
      await this.#ran(row, outcome, { userId: row.user_id ?? undefined });
    } catch (error) {
      if (error instanceof SupersededAttempt) {
        this.#o.logger.warn("Budget import taken over by a newer delivery", { import_id: importId, attempt });
        return;
      }
      throw error;
    }
  }

  /**
   * Imports left `processing` by a worker that died on the job's last delivery (no retry will
   * come): those without progress for `staleMs` end failed with a clear reason. Answers how many.
   */
  async failStaleImports(staleMs: number, limit = 100): Promise<number> {
    const cutoff = new Date(this.#o.clock.now().getTime() - staleMs).toISOString();
    const ids = await this.#rows.staleImports(cutoff, limit);
    for (const id of ids) {
      this.#o.logger.warn("Budget import stalled; marking it failed", { import_id: id });
      await this.failImportJob(id, "The import stopped without finishing (its worker stopped); upload the file again");
    }
    return ids.length;
  }

  /** The job's last delivery failed: the import ends failed with the reason; the budget is untouched. */
  async failImportJob(importId: string, reason: string): Promise<void> {
    const row = await this.#rows.findImport("all", importId);
    if (!row || (row.status !== "queued" && row.status !== "processing")) return;
    const now = this.#o.clock.now().toISOString();
    let afterCommit = async () => {};
    const moved = await this.#rows.inTransaction(async (rows) => {
      const n = await rows.updateImport(importId, {
        status: "failed",
        error_message: reason.slice(0, 2000),
        completed_at: now,
        updated_at: now,
      });
      await rows.clearStaged(importId);
      if (n === 1 && this.#o.onFinished) afterCommit = await this.#o.onFinished(rows.db, importId);
      return n;
    });
    await afterCommit();
    if (moved === 1) {
      this.#o.metrics.budgetImportsFailed.inc({ source_type: row.source_type });
      await this.#finished({ ...row, status: "failed" }, { userId: row.user_id ?? undefined });
    }
  }

  /** Records the import `queued` and its message together (the job protocol); the worker does the rest. */
  async #queue(request: NewImport, caller: Caller): Promise<ImportView> {
    const importId = await this.#o.jobs.submit(async (trx) => {
      const importId = randomUUID();
      const rows = new BudgetImportRepository(tablesOf(trx), this.#o.clock);
      await rows.insertImport(this.#newImport(importId, request, caller, "queued"));
      await this.#o.audit.record(
        caller,
        {
          action: "budget.import_queued",
          resourceType: "budget_import",
          resourceId: importId,
          details: { customer_id: request.customerId, file_id: request.fileId },
        },
        trx,
      );
      const message: BudgetImportMessage = { importId };
      return {
        kind: "budget-import",
        jobId: importId,
        queue: BUDGETS_QUEUES.budgetImports,
        message: jobMessage(importId, message, caller),
      };
    });
    this.#o.metrics.budgetImportsStarted.inc({ source_type: request.sourceType });
    return this.getImport(request.customerId, importId, caller);
  }

  /** A small import within the request, in one transaction: a failure anywhere leaves nothing behind. */
  async #runInline(
    request: NewImport,
    source: RowSource,
    columns: ReadonlyMap<string, number>,
    caller: Caller,
  ): Promise<ImportView> {
    const importId = randomUUID();
    this.#o.metrics.budgetImportsStarted.inc({ source_type: request.sourceType });
    let ran: { row: ImportRow; outcome: RunOutcome };
    try {
      // Nothing else may use the connection meanwhile (SQLite has one): audit comes after.
      ran = await this.#rows.inTransaction(async (rows) => {
        await rows.insertImport({ ...this.#newImport(importId, request, caller, "processing"), attempts: 1 });
        const row = (await rows.findImport("all", importId))!;
        return { row, outcome: await this.#run(rows, row, 1, source, columns) };
      });
    } finally {
      await closeRows(source);
    }
    await this.#ran(ran.row, ran.outcome, caller);
    return this.getImport(request.customerId, importId, caller);
  }

  #newImport(importId: string, request: NewImport, caller: Caller, status: "queued" | "processing") {
    const now = this.#o.clock.now().toISOString();
    return {
      import_id: importId,
      customer_id: request.customerId,
      user_id: caller.userId,
      file_id: request.fileId,
      file_name: request.fileName,
      source_type: request.sourceType,
      status,
      mapping_json: JSON.stringify(
        request.mappings.map((m) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField })),
      ),
      header_key: request.headerKey,
      total_rows: 0,
      success_rows: 0,
      error_rows: 0,
      diff_json: null,
      error_message: null,
      created_at: now,
      completed_at: null,
      committed_by: null,
      dry_run: request.dryRun ? 1 : 0,
      attempts: 0,
      rows_read: 0,
      rows_staged: 0,
      started_at: status === "processing" ? now : null,
      updated_at: now,
      source_id: request.origin?.sourceId ?? null,
      source_name: request.origin?.sourceName.slice(0, 200) ?? null,
    };
  }

  /**
   * The one import path: rows checked and staged in batches (each batch with its progress,
   * fenced by the attempt), duplicates and the diff counted in SQL, then the outcome and,
   * for a first import, the commit in one transaction.
   */
  async #run(
    rows: BudgetImportRepository,
    row: ImportRow,
    attempt: number,
    source: RowSource,
    columns: ReadonlyMap<string, number>,
  ): Promise<RunOutcome> {
    const started = performance.now();
    const importId = row.import_id;
    const { checker, batches } = await RowChecker.open(source, columns, this.#o.defaultCurrency);
    let read = 0;
    let staged = 0;
    let errorRows = 0;
    let errorCount = 0;
    let errors: RowError[] = [];
    const iterator = batches[Symbol.asyncIterator]();
    let inputEnded = false;
    // Rows come a batch at a time: one await per batch, the rows within read synchronously.
    let batch: readonly TabularRow[] = [];
    let at = 0;
    const nextRow = async (): Promise<TabularRow | null> => {
      while (at >= batch.length) {
        const next = await iterator.next();
        if (next.done) return null;
        batch = next.value;
        at = 0;
      }
      return batch[at++]!;
    };
    // One transaction per STAGE_BATCH rows, its progress with it; inside it, lines go to SQL
    // every STAGE_CHUNK, so a line's objects die young (a batch held whole until its
    // insert outlived scavenges and piled up in old space).
    const stageBatch = () =>
      rows.inTransaction(async (trx) => {
        let lines: StagedLine[] = [];
        for (let n = 0; n < STAGE_BATCH; n++) {
          const next = at < batch.length ? batch[at++]! : await nextRow();
          if (next === null) {
            inputEnded = true;
            break;
          }
          read++;
          const checked = checker.check(next.cells, next.line, randomUUID());
          if ("line" in checked) {
            lines.push(checked.line);
            staged++;
            if (lines.length >= STAGE_CHUNK) {
              await trx.stage(importId, lines, []);
              lines = [];
            }
          } else {
            errors.push(...checked.problems);
            errorCount += checked.problems.length;
            errorRows++;
          }
        }
        await trx.stage(importId, lines, errors, errorCount - errors.length + 1);
        errors = [];
        if ((await trx.progress(importId, attempt, read, staged)) !== 1) throw new SupersededAttempt();
      });
    try {
      while (!inputEnded) await stageBatch();
    } finally {
      await iterator.return?.();
    }
    // A line set twice: every later row is an error naming the first.
    for (const d of await rows.duplicateLines(importId, Number.MAX_SAFE_INTEGER)) {
      errors.push({
        rowNumber: d.row_number,
        column: checker.header("department"),
        value: d.department,
        message: `the same budget line as row ${d.first_row}`,
      });
      errorCount++;
      errorRows++;
    }
    // Every error is stored (the view shows the first SHOWN_ERRORS).
    for (let at = 0; at < errors.length; at += STAGE_BATCH) {
      const batch = errors.slice(at, at + STAGE_BATCH);
      const firstSeq = errorCount - errors.length + at + 1;
      await rows.inTransaction(async (trx) => {
        await trx.stage(importId, [], batch, firstSeq);
        if ((await trx.progress(importId, attempt, read, staged)) !== 1) throw new SupersededAttempt();
      });
    }
    errors = [];
    const stagedAt = performance.now();

    const counts = await rows.stagedCounts(importId, row.customer_id);
    const countedAt = performance.now();
    const diff = {
      added: counts.staged - counts.matched,
      changed: counts.changed,
      removed: counts.current - counts.matched,
      unchanged: counts.matched - counts.changed,
    };
    const status =
      row.dry_run === 1
        ? "dry_run"
        : errorCount > 0
          ? "failed"
          : counts.current === 0
            ? "completed"
            : "awaiting_approval";
    const now = this.#o.clock.now().toISOString();
    let afterCommit: (() => Promise<void>) | undefined;
    await rows.inTransaction(async (trx) => {
      // Only the current attempt finishes the import: the status moves first, fenced.
      const moved = await trx.finishAttempt(importId, attempt, {
        status,
        total_rows: read,
        success_rows: read - errorRows,
        error_rows: errorRows,
        rows_read: read,
        rows_staged: staged,
        diff_json: JSON.stringify(diff),
        error_message: errorCount > 0 ? `${errorCount} problems in ${errorRows} rows; nothing imported` : null,
        completed_at: status === "completed" || status === "failed" ? now : null,
        committed_by: status === "completed" ? row.user_id : null,
        updated_at: now,
      });
      if (moved !== 1) throw new SupersededAttempt();
      if (status === "completed") await this.#commitIn(trx, importId, row.customer_id, row.header_key);
      if ((status === "completed" || status === "failed") && this.#o.onFinished)
        afterCommit = await this.#o.onFinished(trx.db, importId);
    });
    const ended = performance.now();
    // Where a long import's time went (read, check and stage; count the diff; finish/commit).
    this.#o.logger.info("Budget import phases", {
      import_id: importId,
      rows: read,
      stage_ms: Math.round(stagedAt - started),
      diff_ms: Math.round(countedAt - stagedAt),
      finish_ms: Math.round(ended - countedAt),
    });
    return {
      status,
      lines: staged,
      errors: errorCount,
      seconds: (ended - started) / 1000,
      ...(afterCommit ? { afterCommit } : {}),
    };
  }

  /** Metrics, audit and the finish hook of a run, once its transaction has ended. */
  async #ran(row: ImportRow, outcome: RunOutcome, actor: Actor): Promise<void> {
    const { status } = outcome;
    await outcome.afterCommit?.();
    if (status === "failed") this.#o.metrics.budgetImportsFailed.inc({ source_type: row.source_type });
    else this.#o.metrics.budgetImportsSucceeded.inc({ source_type: row.source_type, status });
    this.#o.metrics.budgetImportDuration.observe(outcome.seconds);
    await this.#o.audit.record(actor, {
      action: `budget.import_${status}`,
      resourceType: "budget_import",
      resourceId: row.import_id,
      details: { customer_id: row.customer_id, lines: outcome.lines, errors: outcome.errors },
    });
    await this.#finished({ ...row, status }, actor);
  }

  /** Every import that ends (completed, failed, dry run, awaiting approval) passes here once. */
  async #finished(row: Pick<ImportRow, "import_id" | "customer_id" | "status">, actor: Actor): Promise<void> {
    this.#o.logger.info("Budget import finished", {
      import_id: row.import_id,
      customer_id: row.customer_id,
      status: row.status,
      user_id: actor.userId,
    });
  }

  /** Lines the staged import adds, changes and removes against the customer's budget now. */
  async diff(customerId: string, importId: string, caller: Caller): Promise<ImportDiff> {
    await this.#access(customerId, caller);
    const row = await this.#rows.findImport([customerId], importId);
    if (!row) throw new NotFoundError("Import", importId);
    const staged = (await this.#rows.stagedLines(importId)).map(toStaged);
    return diffOf(staged, await this.#rows.currentLines(customerId));
  }

  /** Commits an import waiting for approval: the budget becomes its lines, in one transaction. */
  async commit(customerId: string, importId: string, caller: Caller): Promise<ImportView> {
    await this.#access(customerId, caller);
    const row = await this.#rows.findImport([customerId], importId);
    if (!row) throw new NotFoundError("Import", importId);
    if (row.status !== "awaiting_approval")
      throw new ConflictError(`Import ${importId} is ${row.status}; only an import awaiting approval can be committed`);
    let afterCommit = async () => {};
    await this.#rows.inTransaction(async (rows) => {
      // Only one commit wins: the status moves first, under the transaction.
      const moved = await rows.updateImport(importId, {
        status: "completed",
        completed_at: this.#o.clock.now().toISOString(),
        committed_by: caller.userId,
      });
      if (moved !== 1) throw new ConflictError(`Import ${importId} was committed meanwhile`);
      await this.#commitIn(rows, importId, customerId, row.header_key);
      if (this.#o.onFinished) afterCommit = await this.#o.onFinished(rows.db, importId);
    });
    await afterCommit();
    await this.#o.audit.record(caller, {
      action: "budget.import_committed",
      resourceType: "budget_import",
      resourceId: importId,
      details: { customer_id: customerId },
    });
    return this.getImport(customerId, importId, caller);
  }

  async getImport(customerId: string, importId: string, caller: Caller): Promise<ImportView> {
    await this.#access(customerId, caller);
    const row = await this.#rows.findImport([customerId], importId);
    if (!row) throw new NotFoundError("Import", importId);
    return this.#view(row);
  }

  async history(
    customerId: string,
    page: number,
    pageSize: number,
    caller: Caller,
  ): Promise<{ items: ImportView[]; total: number }> {
    await this.#access(customerId, caller);
    const { rows, total } = await this.#rows.pageImports(customerId, page, pageSize);
    return { items: await Promise.all(rows.map((r) => this.#view(r))), total };
  }

  async #commitIn(
    rows: BudgetImportRepository,
    importId: string,
    customerId: string,
    headerKey: string | null,
  ): Promise<void> {
    await rows.applyStaged(customerId, importId, "import", () => randomUUID());
    const mapping = await rows.findImport([customerId], importId);
    if (headerKey && mapping) await rows.learn(customerId, headerKey, mapping.mapping_json, importId);
  }

  /**
   * The table analyze judges and the file's SHA-256. A small file or a workbook is read
   * whole; a CSV of BUDGETS_QUEUED_IMPORT_MIN_BYTES or more only for its first
   * ANALYZE_SAMPLE_ROWS rows (mapping and type detection need no more), while one raw pass
   * hashes it and counts its lines for totalRows: a million rows are never parsed or held
   * here (the import counts them exactly).
   */
  async #analyzedSheet(
    size: number,
    open: () => Readable,
    fileName: string,
  ): Promise<{ format: "csv" | "xlsx"; sheet: TabularSheet; sha256: string }> {
    if (size < this.#o.queuedMinBytes) {
      const bytes = await readAll(open());
      return { ...(await this.#wholeSheet(bytes, fileName)), sha256: sha256Of(bytes) };
    }
    const scan = await scanFile(open());
    if (sniffFormat(scan.head) === "zip") {
      const bytes = await readAll(open());
      return { ...(await this.#wholeSheet(bytes, fileName)), sha256: scan.sha256 };
    }
    return {
      format: "csv",
      sheet: await sampleCsv(open, scan, this.#o.limits, ANALYZE_SAMPLE_ROWS),
      sha256: scan.sha256,
    };
  }

  async #wholeSheet(bytes: Buffer, fileName: string): Promise<{ format: "csv" | "xlsx"; sheet: TabularSheet }> {
    const tabular = await readTabular(bytes, { fileName, limits: this.#o.limits });
    return { format: tabular.format, sheet: bestSheet(tabular.sheets) };
  }

  async #view(row: ImportRow): Promise<ImportView> {
    const diff = row.diff_json ? (JSON.parse(row.diff_json) as ImportView["diffSummary"]) : null;
    return {
      importId: row.import_id,
      customerId: row.customer_id,
      fileName: row.file_name,
      sourceType: row.source_type,
      sourceId: row.source_id ?? null,
      sourceName: row.source_name ?? null,
      status: row.status,
      imported: row.status === "completed" ? row.success_rows : 0,
      stats: { totalRows: row.total_rows, successRows: row.success_rows, errorRows: row.error_rows },
      errors: (await this.#rows.errorsOf(row.import_id, SHOWN_ERRORS)).map((e) => ({
        rowNumber: e.row_number,
        column: e.column_name,
        value: e.value,
        message: e.message,
      })),
      diffSummary: diff,
      progress: await this.#progress(row),
      statusUrl: `/api/v1/imports/${row.import_id}?customerId=${encodeURIComponent(row.customer_id)}`,
      createdAt: row.created_at,
      completedAt: row.completed_at,
    };
  }

  async #progress(row: ImportRow): Promise<ImportView["progress"]> {
    const file = row.file_id ? await this.#rows.findFile(row.customer_id, row.file_id) : undefined;
    const finished = row.status !== "queued" && row.status !== "processing";
    const totalRows = finished ? row.total_rows : (file?.row_count ?? null);
    return {
      rowsRead: row.rows_read,
      rowsStaged: row.rows_staged,
      totalRows,
      percent: finished
        ? 100
        : totalRows
          ? Math.min(99, Math.floor((row.rows_read * 100) / totalRows))
          : row.status === "queued"
            ? 0
            : null,
    };
  }

  async #access(customerId: string, caller: Caller): Promise<void> {
    // Another customer's id is "not found", never a hint that it exists.
    await this.#o.access.assert(caller, customerId);
  }
}

/** How one run of the import path ended. */
interface RunOutcome {
  readonly status: ImportRow["status"];
  readonly lines: number;
  readonly errors: number;
  readonly seconds: number;
  /** The finish hook's follow-up, run once the finishing transaction has committed. */
  readonly afterCommit?: () => Promise<void>;
}

/** An import about to be recorded, from a file or inline rows. */
interface NewImport {
  readonly customerId: string;
  readonly fileId: string | null;
  readonly fileName: string;
  readonly sourceType: string;
  readonly mappings: ImportRequest["mappings"];
  readonly headerKey: string | null;
  readonly dryRun: boolean;
  readonly origin?: ImportOrigin;
}

function toStaged(l: {
  line_key: string;
  department: string;
  sub_category: string;
  fiscal_period: string;
  cost_center: string;
  currency: string;
  amount_minor: string | number | bigint;
  row_number: number;
}): StagedLine {
  return {
    lineKey: l.line_key,
    department: l.department,
    subCategory: l.sub_category,
    fiscalPeriod: l.fiscal_period,
    costCenter: l.cost_center,
    currency: l.currency,
    amountMinor: BigInt(l.amount_minor),
    rowNumber: l.row_number,
  };
}

function diffOf(
  lines: readonly StagedLine[],
  current: readonly {
    line_key: string;
    department: string;
    sub_category: string;
    fiscal_period: string;
    cost_center: string;
    currency: string;
    budgeted_minor: string | number | bigint;
  }[],
): ImportDiff {
  const now = new Map(current.map((c) => [c.line_key, c]));
  const added: DiffLine[] = [];
  const changed: (DiffLine & { oldAmount: string })[] = [];
  let unchanged = 0;
  const keys = new Set<string>();
  for (const l of lines) {
    keys.add(l.lineKey);
    const view: DiffLine = {
      department: l.department,
      subCategory: l.subCategory,
      fiscalPeriod: l.fiscalPeriod,
      costCenter: l.costCenter,
      currency: l.currency,
      amount: toMoney(l.amountMinor, l.currency).amount,
    };
    const old = now.get(l.lineKey);
    if (!old) added.push(view);
    else if (BigInt(old.budgeted_minor) !== l.amountMinor || old.currency !== l.currency)
      changed.push({ ...view, oldAmount: toMoney(BigInt(old.budgeted_minor), old.currency).amount });
    else unchanged++;
  }
  const removed = current
    .filter((c) => !keys.has(c.line_key))
    .map((c) => ({
      department: c.department,
      subCategory: c.sub_category,
      fiscalPeriod: c.fiscal_period,
      costCenter: c.cost_center,
      currency: c.currency,
      amount: toMoney(BigInt(c.budgeted_minor), c.currency).amount,
    }));
  return { added, changed, removed, unchanged };
}

function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
