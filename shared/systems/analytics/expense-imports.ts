import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { SqlDialectName } from "../../foundation/sql/database.js";
import { tablesOf } from "../../foundation/sql/database.js";
import { readTabular, type TabularLimits, type TabularSheet } from "../../foundation/tabular/index.js";
import { readAll, sampleCsv, scanFile } from "../../foundation/tabular/file-sample.js";
import { bestSheet } from "../../foundation/tabular/row-source.js";
import { sniffFormat } from "../../foundation/tabular/sniff.js";
import {
  detectFileType,
  EXPENSE_TARGETS,
  proposeMappings,
  type ColumnMapping,
  type MappingRequest,
} from "../../kernel/column-mapping/index.js";
import { NotFoundError, ValidationError } from "../../kernel/errors.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import { ANALYTICS_QUEUES } from "./analytics-queues.js";
import type { AnalyticsTables, FinanceExpenseTable } from "./analytics-tables.js";
import { ExpenseImportRepository, type ExpenseImportRow } from "./expense-import-repository.js";
import { checkExpenseMappings, type ExpenseRowError, type PreparedExpenseBatch } from "./expense-import-rows.js";
import { prepareExpenseBatchesInWorker } from "./expense-rows-thread.js";
import type { ExpenseImportTables } from "./expense-import-tables.js";
import {
  addExpenseCells,
  addImportCellsAfter,
  compactExpenseCells,
  hasExpenseCells,
  lastExpenseId,
} from "./expense-cells-repository.js";
import {
  countImported,
  deleteImported,
  expenseChunkWriter,
  expenseInsertChunk,
  widenSqliteCache,
} from "./expense-repository.js";

export interface ExpenseImportsOptions {
  /** The platform database: the imports' job rows beside the job outbox. */
  readonly db: Kysely<ExpenseImportTables>;
  /** Where analytics reads finance_expense (the platform database or the analytics warehouse). */
  readonly expenses: Kysely<AnalyticsTables>;
  readonly expensesDialect: SqlDialectName;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  readonly jobs: JobProtocol;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly container: string;
  readonly limits: TabularLimits;
  /** An import queued or processing this long without progress is taken over by the requeue timer. */
  readonly staleAfterSeconds: number;
}

/** Sends one message to the expense-imports queue (the timer's own sender). */
export type ExpenseImportSend = (message: { messageId: string; body: ExpenseImportMessage }) => Promise<void>;

/** The expense-imports queue's message, validated like a body by the queue function. */
export interface ExpenseImportMessage {
  readonly importId: string;
}

export interface ExpenseImportView {
  readonly importId: string;
  readonly fileName: string;
  readonly status: ExpenseImportRow["status"];
  readonly mappings: readonly MappingRequest[];
  readonly progress: { readonly rowsRead: number; readonly totalRows: number; readonly percent: number };
  readonly stats: {
    readonly totalRows: number;
    /** Rows added to finance_expense by this import. */
    readonly inserted: number;
    /** Valid rows already stored (an earlier import, or the same line twice in the file). */
    readonly duplicates: number;
    readonly errorRows: number;
  };
  readonly errors: readonly ExpenseRowError[];
  readonly error: string | null;
  readonly statusUrl: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** What the upload answers: the queued import and the mapping proposal it will run with. */
export interface ExpenseImportAccepted extends ExpenseImportView {
  readonly proposal: {
    readonly mappings: readonly ColumnMapping[];
    readonly unmapped: readonly { readonly sourceColumn: string; readonly reason: string }[];
  };
}

/** Rows analyze reads of a CSV to propose the mapping; the rest are only counted. */
const ANALYZE_SAMPLE_ROWS = 1_000;
/**
 * Rows read per transaction and progress update. A commit per 2,000 rows rewrote the
 * random-order fingerprint index's dirty pages to the WAL every time and paid a second
 * commit for the progress: 1M rows spent ~15% of the import in COMMIT. Memory stays bounded
 * (at most three batches held: one in SQL, two prepared); a crash loses at most the open
 * transaction, which the next delivery reads again.
 */
const COMMIT_ROWS = 20_000;
/** Rows inserted between merges of the cells' deltas (each batch appends up to one delta per row). */
const COMPACT_EVERY_ROWS = 100_000;
/** Row errors kept with an import (all are counted). */
const KEPT_ERRORS = 100;

/**
 * Expense files into finance_expense (issue #20): the upload is stored and analysed with the
 * same readers and column mapper as the budget import (EXPENSE_TARGETS), then imported as a
 * job (the job protocol). Lines are keyed by their content fingerprint, so a re-import adds
 * nothing twice; rows that fail their checks are reported by row and column and the others
 * load. A delivery can die anywhere: the next one reads the file again, skips what is stored
 * and counts this import's rows from the table, so nothing is lost or doubled; an import
 * that fails for good takes its rows out again.
 */
export class ExpenseImports {
  readonly #o: ExpenseImportsOptions;
  readonly #rows: ExpenseImportRepository;

  constructor(options: ExpenseImportsOptions) {
    this.#o = options;
    this.#rows = new ExpenseImportRepository(options.db);
  }

  /** Stores the file, settles its mapping (the one given, or the proposal) and queues the import. */
  async submit(
    file: { readonly size: number; open(): Readable; readonly fileName: string | null },
    requested: readonly MappingRequest[] | undefined,
    caller: Actor,
  ): Promise<ExpenseImportAccepted> {
    const fileName = (file.fileName ?? "expenses").slice(0, 255);
    const { format, sheet } = await this.#sample(() => file.open(), fileName);
    const proposal = proposeMappings(sheet, EXPENSE_TARGETS);
    if (detectFileType(sheet).fileTypeDetection.containsPersonalData)
      throw new ValidationError([
        { field: "file", message: "holds personal data (names with pay, IBANs or national numbers) and was not kept" },
      ]);
    const mappings =
      requested ?? proposal.mappings.map((m) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField }));
    checkExpenseMappings(mappings, sheet.headers);

    const importId = randomUUID();
    const blobName = `imports/${importId}`;
    // The file first: once the job row exists a worker may read it.
    await this.#o.blobs.upload(this.#o.container, blobName, file.open(), {
      metadata: { import_id: importId },
    });
    const now = this.#o.clock.now().toISOString();
    await this.#o.jobs.submit(async (trx) => {
      await new ExpenseImportRepository(tablesOf<ExpenseImportTables, unknown>(trx)).insert({
        import_id: importId,
        file_name: fileName,
        blob_name: blobName,
        format,
        size_bytes: file.size,
        mapping_json: JSON.stringify(mappings),
        status: "queued",
        attempts: 0,
        rows_read: 0,
        total_rows: sheet.totalRows,
        valid_rows: 0,
        inserted_rows: 0,
        duplicate_rows: 0,
        error_rows: 0,
        errors_json: null,
        error_message: null,
        user_id: caller.userId ?? null,
        created_at: now,
        started_at: null,
        updated_at: now,
        completed_at: null,
      });
      await this.#o.audit.record(
        caller,
        {
          action: "analytics.expense_import_queued",
          resourceType: "expense_import",
          resourceId: importId,
          details: { file_name: fileName, rows: sheet.totalRows },
        },
        trx,
      );
      const message: ExpenseImportMessage = { importId };
      return {
        kind: "expense-import",
        jobId: importId,
        queue: ANALYTICS_QUEUES.expenseImports,
        message: jobMessage(importId, message, caller),
      };
    });
    return {
      ...(await this.get(importId)),
      proposal: {
        mappings: proposal.mappings,
        unmapped: proposal.unmapped.map((u) => ({ sourceColumn: u.sourceColumn, reason: u.reason })),
      },
    };
  }

  async get(importId: string): Promise<ExpenseImportView> {
    const row = await this.#rows.find(importId);
    if (!row) throw new NotFoundError("Expense import", importId);
    return view(row);
  }

  async list(page: number, pageSize: number): Promise<{ items: ExpenseImportView[]; total: number }> {
    const { items, total } = await this.#rows.page(page, pageSize);
    return { items: items.map(view), total };
  }

  /** The expense-imports queue's worker: one delivery of the import; a finished one is left alone. */
  async runImportJob(importId: string): Promise<void> {
    const attempt = await this.#rows.startAttempt(importId, this.#now());
    if (attempt === undefined) return;
    // The fingerprint lookups and five growing indexes need more than SQLite's 2 MB page cache.
    const cache = this.#o.expensesDialect === "sqlite" ? await widenSqliteCache(this.#o.expenses) : null;
    try {
      await this.#importAttempt(importId, attempt);
    } finally {
      await cache?.restore();
    }
  }

  async #importAttempt(importId: string, attempt: number): Promise<void> {
    const row = (await this.#rows.find(importId))!;
    this.#o.logger.info("Expense import started", { import_id: importId, attempt });
    const batches = prepareExpenseBatchesInWorker(await this.#o.blobs.download(this.#o.container, row.blob_name), {
      format: row.format,
      fileName: row.file_name,
      limits: this.#o.limits,
      mappings: JSON.parse(row.mapping_json) as MappingRequest[],
      importId,
      loadedAt: this.#now(),
      batchRows: COMMIT_ROWS,
      // Rows per INSERT: as many as SQLite's parameter limit allows (SQL Server splits further).
      chunkRows: expenseInsertChunk("sqlite"),
      keptErrors: KEPT_ERRORS,
    });
    const insert = expenseChunkWriter(this.#o.expensesDialect);
    // The file's totals so far: each batch carries them (the last one the file's).
    let counts: Pick<PreparedExpenseBatch, "rowsRead" | "validRows" | "errorRows"> = {
      rowsRead: 0,
      validRows: 0,
      errorRows: 0,
    };
    const errors: ExpenseRowError[] = [];
    const cells = await hasExpenseCells(this.#o.expenses);
    // SQLite sums the cells of what it just inserted; SQL Server (concurrent writers) from the batch.
    const sqlCells = cells && this.#o.expensesDialect === "sqlite";
    let sinceCompaction = 0;

    /** Stores a batch's new lines in one transaction; false when a newer attempt took the import over. */
    const flush = async (batch: PreparedExpenseBatch): Promise<boolean> => {
      counts = batch;
      errors.push(...batch.errors);
      let added = 0;
      if (batch.rows > 0)
        await this.#o.expenses.transaction().execute(async (trx) => {
          const after = sqlCells ? await lastExpenseId(trx) : 0;
          // SQL Server sums the cells from the lines it added (SQLite from the table, by id).
          const addedLines: Omit<FinanceExpenseTable, "id">[] = [];
          for (const chunk of batch.chunks) {
            const stored = await insert(trx, batch.columns, chunk);
            added += stored.added;
            if (cells && !sqlCells) addedLines.push(...stored.lines);
          }
          if (sqlCells && added > 0) await addImportCellsAfter(trx, importId, after);
          else if (addedLines.length > 0)
            await addExpenseCells(trx, addedLines, expenseInsertChunk(this.#o.expensesDialect));
        });
      // Each commit appends its cells' deltas; merging them now and then keeps the cells small.
      sinceCompaction += added;
      if (cells && sinceCompaction >= COMPACT_EVERY_ROWS) {
        await compactExpenseCells(this.#o.expenses);
        sinceCompaction = 0;
      }
      const moved = await this.#rows.update(
        importId,
        attempt,
        {
          rows_read: counts.rowsRead,
          valid_rows: counts.validRows,
          error_rows: counts.errorRows,
          errors_json: JSON.stringify(errors),
        },
        this.#now(),
      );
      return moved === 1;
    };

    // Leaving the loop (superseded) stops the worker.
    for await (const batch of batches) if (!(await flush(batch))) return this.#superseded(importId, attempt);

    if (cells && sinceCompaction > 0) await compactExpenseCells(this.#o.expenses);
    // Counted from the table, so rows a crashed delivery already added count as this import's.
    const inserted = await countImported(this.#o.expenses, importId);
    const failed = counts.validRows === 0;
    await this.#rows.update(
      importId,
      attempt,
      {
        status: failed ? "failed" : "completed",
        inserted_rows: inserted,
        duplicate_rows: counts.validRows - inserted,
        error_message: failed ? "No row could be imported; see the row errors" : null,
        completed_at: this.#now(),
      },
      this.#now(),
    );
    this.#o.logger.info("Expense import finished", {
      import_id: importId,
      rows_read: counts.rowsRead,
      inserted,
      duplicates: counts.validRows - inserted,
      error_rows: counts.errorRows,
    });
  }

  /** The job's last delivery failed: the import ends failed and the rows it added are taken out. */
  async failImportJob(importId: string, reason: string): Promise<void> {
    await deleteImported(this.#o.expenses, importId);
    if ((await this.#rows.fail(importId, reason, this.#now())) === 1)
      this.#o.logger.warn("Expense import failed", { import_id: importId, reason });
  }

  /** Whether an import is still queued or processing: the requeue timer keeps watching while one is. */
  hasUnfinished(): Promise<boolean> {
    return this.#rows.anyUnfinished();
  }

  /**
   * The requeue timer: an import with no progress for ANALYTICS_IMPORT_STALE_AFTER_SECONDS
   * lost its worker where no redelivery follows (a crash on the message's last delivery, or
   * a message dead-lettered). Below the queue's delivery count it is sent again; past it the
   * import ends failed and its rows are taken out. Returns how many it touched.
   */
  async requeueStale(send: ExpenseImportSend): Promise<number> {
    const now = this.#now();
    const before = new Date(this.#o.clock.now().getTime() - this.#o.staleAfterSeconds * 1000).toISOString();
    let touched = 0;
    for (const row of await this.#rows.stale(before, 100)) {
      if (row.attempts >= ANALYTICS_QUEUES.expenseImports.maxDeliveryCount) {
        await this.failImportJob(row.import_id, `no delivery finished after ${row.attempts} attempts`);
      } else if ((await this.#rows.touch(row.import_id, row.updated_at, now)) === 1) {
        // A new message id per hand-over, so the queue's duplicate detection lets it through.
        await send({
          messageId: `${row.import_id}:requeue:${row.attempts}:${row.updated_at}`,
          body: { importId: row.import_id },
        });
      }
      touched++;
    }
    return touched;
  }

  #superseded(importId: string, attempt: number): void {
    this.#o.logger.warn("Expense import taken over by a newer delivery", { import_id: importId, attempt });
  }

  /** The header and first rows the mapping is proposed on; the upload is streamed, never held whole (a workbook is capped). */
  async #sample(open: () => Readable, fileName: string): Promise<{ format: "csv" | "xlsx"; sheet: TabularSheet }> {
    const scan = await scanFile(open());
    if (sniffFormat(scan.head) === "zip") {
      const tabular = await readTabular(await readAll(open()), { fileName, limits: this.#o.limits });
      return { format: "xlsx", sheet: bestSheet(tabular.sheets) };
    }
    const sheet = await sampleCsv(open, scan, this.#o.limits, ANALYZE_SAMPLE_ROWS);
    if (sheet.totalRows === 0) throw new ValidationError([{ field: "file", message: "has headers but no data rows" }]);
    return { format: "csv", sheet };
  }

  #now(): string {
    return this.#o.clock.now().toISOString();
  }
}

function view(row: ExpenseImportRow): ExpenseImportView {
  const done = row.status === "completed" || row.status === "failed";
  return {
    importId: row.import_id,
    fileName: row.file_name,
    status: row.status,
    mappings: JSON.parse(row.mapping_json) as MappingRequest[],
    progress: {
      rowsRead: row.rows_read,
      totalRows: row.total_rows,
      percent: done ? 100 : row.total_rows > 0 ? Math.min(99, Math.floor((row.rows_read * 100) / row.total_rows)) : 0,
    },
    stats: {
      totalRows: row.total_rows,
      inserted: row.inserted_rows,
      duplicates: row.duplicate_rows,
      errorRows: row.error_rows,
    },
    errors: row.errors_json ? (JSON.parse(row.errors_json) as ExpenseRowError[]) : [],
    error: row.error_message,
    statusUrl: `/api/v1/finance/expenses/imports/${row.import_id}`,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}
