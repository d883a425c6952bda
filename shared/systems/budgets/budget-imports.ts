import { createHash, randomUUID } from "node:crypto";
import { buffer } from "node:stream/consumers";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import {
  inferDecimalSeparator,
  parseAmount,
  readTabular,
  type TabularLimits,
  type TabularSheet,
} from "../../foundation/tabular/index.js";
import {
  analyzeBudgetColumns,
  BUDGET_TARGETS,
  type ColumnMapping,
  type FileTypeDetection,
} from "../../kernel/column-mapping/index.js";
import { ConflictError, NotFoundError, ValidationError } from "../../kernel/errors.js";
import { currencyExponent, isKnownCurrency, parseDecimal, toMoney } from "../../kernel/money.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import { BudgetImportRepository, type ImportRow, type RowError, type StagedLine } from "./budget-import-repository.js";
import type { BudgetImportTables } from "./budget-import-tables.js";
import type { BudgetsTables } from "./budgets-tables.js";
import { lineKey } from "./budget-repository.js";
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

export interface ImportRequest {
  readonly customerId: string;
  readonly fileId: string;
  readonly fileName?: string;
  readonly mappings: readonly { readonly sourceColumn: string; readonly targetField: string }[];
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
  readonly sourceType: string;
  readonly status: ImportRow["status"];
  readonly imported: number;
  readonly stats: { readonly totalRows: number; readonly successRows: number; readonly errorRows: number };
  readonly errors: readonly { rowNumber: number; column: string; value: string; message: string }[];
  readonly diffSummary: { added: number; changed: number; removed: number; unchanged: number } | null;
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
  /** Told in the transaction that ends an import completed or failed (webhooks); runs its answer after commit. */
  readonly onFinished?: <T>(trx: Kysely<T>, importId: string) => Promise<() => Promise<void>>;
}

const SAMPLE_ROWS = 10;
/** Errors shown with an import (all are stored). */
const SHOWN_ERRORS = 100;

/**
 * Budget files (seed 004): analyze proposes a mapping (the customer's learned one first) and
 * judges the file's type from its content; payroll is never kept. Import validates every row
 * and stages the lines; a first import commits at once, a re-import waits for its diff to be
 * approved. Committing replaces the customer's budget in one transaction.
 */
export class BudgetImports {
  readonly #o: BudgetImportsOptions;
  readonly #rows: BudgetImportRepository;

  constructor(options: BudgetImportsOptions) {
    this.#o = options;
    this.#rows = new BudgetImportRepository(options.db, options.clock);
  }

  async analyze(
    file: { bytes: Uint8Array; fileName: string | null },
    customerId: string,
    caller: Caller,
  ): Promise<AnalyzeResult> {
    await this.#access(customerId, caller);
    const fileName = file.fileName ?? "upload";
    const sha256 = createHash("sha256").update(file.bytes).digest("hex");
    const tabular = await readTabular(file.bytes, { fileName, limits: this.#o.limits });
    const sheet = bestSheet(tabular.sheets);
    const learned = await this.#rows.latestLearned(customerId, analyzeBudgetColumns(sheet).headerShapeKey);
    const analysis = analyzeBudgetColumns(sheet, learned ? { learned } : {});
    const { containsPersonalData, ...detection } = analysis.fileTypeDetection;
    if (!analysis.canProceed) this.#o.metrics.fileTypeWarnings.inc({ likely_type: detection.likelyFileType });
    const fileId = randomUUID();
    const now = this.#o.clock.now().toISOString();
    let blobName: string | null = null;
    if (!containsPersonalData) {
      blobName = `${customerId}/${fileId}`;
      await this.#o.blobs.upload(this.#o.container, blobName, Buffer.from(file.bytes), {
        metadata: { customer_id: customerId, sha256 },
      });
    }
    // Payroll and other personal data: only the fingerprint and the verdict are kept.
    await this.#rows.insertFile({
      file_id: fileId,
      customer_id: customerId,
      content_sha256: sha256,
      file_name: fileName.slice(0, 255),
      size_bytes: file.bytes.byteLength,
      blob_name: blobName,
      format: tabular.format,
      likely_type: detection.likelyFileType,
      can_proceed: analysis.canProceed ? 1 : 0,
      verdict_json: JSON.stringify(detection),
      header_key: analysis.headerShapeKey,
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
    const started = performance.now();
    const sourceType = file.format === "xlsx" ? "excel" : "csv";
    this.#o.metrics.budgetImportsStarted.inc({ source_type: sourceType });
    const bytes = await buffer(await this.#o.blobs.download(this.#o.container, file.blob_name));
    const sheet = bestSheet((await readTabular(bytes, { fileName: file.file_name, limits: this.#o.limits })).sheets);
    const columns = checkMappings(request.mappings, sheet.headers);
    const { lines, errors } = this.#readLines(sheet, columns);

    const importId = randomUUID();
    const now = this.#o.clock.now().toISOString();
    const current = await this.#rows.currentLines(request.customerId);
    const diff = diffOf(lines, current);
    const errorRows = new Set(errors.map((e) => e.rowNumber)).size;
    const firstImport = current.length === 0;
    const status = request.dryRun
      ? "dry_run"
      : errors.length > 0
        ? "failed"
        : firstImport
          ? "completed"
          : "awaiting_approval";
    let afterCommit = async () => {};
    await this.#rows.inTransaction(async (rows) => {
      await rows.insertImport({
        import_id: importId,
        customer_id: request.customerId,
        user_id: caller.userId,
        file_id: file.file_id,
        file_name: (request.fileName ?? file.file_name).slice(0, 255),
        source_type: sourceType,
        status,
        mapping_json: JSON.stringify(request.mappings),
        header_key: file.header_key,
        total_rows: sheet.totalRows,
        success_rows: sheet.totalRows - errorRows,
        error_rows: errorRows,
        diff_json: JSON.stringify(summary(diff)),
        error_message: errors.length > 0 ? `${errors.length} problems in ${errorRows} rows; nothing imported` : null,
        created_at: now,
        completed_at: status === "completed" || status === "failed" ? now : null,
        committed_by: status === "completed" ? caller.userId : null,
      });
      await rows.stage(importId, lines, errors);
      if (status === "completed")
        await this.#commitIn(rows, importId, request.customerId, lines, current, file.header_key);
      if ((status === "completed" || status === "failed") && this.#o.onFinished)
        afterCommit = await this.#o.onFinished(rows.db, importId);
    });
    await afterCommit();
    if (status === "failed") this.#o.metrics.budgetImportsFailed.inc({ source_type: sourceType });
    else this.#o.metrics.budgetImportsSucceeded.inc({ source_type: sourceType, status });
    this.#o.metrics.budgetImportDuration.observe((performance.now() - started) / 1000);
    await this.#o.audit.record(caller, {
      action: `budget.import_${status}`,
      resourceType: "budget_import",
      resourceId: importId,
      details: { customer_id: request.customerId, lines: lines.length, errors: errors.length },
    });
    return this.getImport(request.customerId, importId, caller);
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
      const lines = (await rows.stagedLines(importId)).map(toStaged);
      await this.#commitIn(rows, importId, customerId, lines, await rows.currentLines(customerId), row.header_key);
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
    lines: readonly StagedLine[],
    current: Awaited<ReturnType<BudgetImportRepository["currentLines"]>>,
    headerKey: string | null,
  ): Promise<void> {
    await rows.applyLines(customerId, importId, "import", lines, current, () => randomUUID());
    const mapping = await rows.findImport([customerId], importId);
    if (headerKey && mapping) await rows.learn(customerId, headerKey, mapping.mapping_json, importId);
  }

  async #view(row: ImportRow): Promise<ImportView> {
    const diff = row.diff_json ? (JSON.parse(row.diff_json) as ImportView["diffSummary"]) : null;
    return {
      importId: row.import_id,
      customerId: row.customer_id,
      fileName: row.file_name,
      sourceType: row.source_type,
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
      createdAt: row.created_at,
      completedAt: row.completed_at,
    };
  }

  async #access(customerId: string, caller: Caller): Promise<void> {
    // Another customer's id is "not found", never a hint that it exists.
    await this.#o.access.assert(caller, customerId);
  }

  /** Every row checked; a line's amount in integer minor units of its currency. */
  #readLines(sheet: TabularSheet, columns: ReadonlyMap<string, number>): { lines: StagedLine[]; errors: RowError[] } {
    const lines: StagedLine[] = [];
    const errors: RowError[] = [];
    const seen = new Map<string, number>();
    const cell = (row: readonly string[], field: string) => {
      const index = columns.get(field);
      return index === undefined ? "" : (row[index] ?? "").trim();
    };
    const header = (field: string) => sheet.headers[columns.get(field) ?? -1] ?? field;
    // The column's own convention decides "1.234": 1234 in a column that writes "12.500,00".
    const amountColumn = columns.get("budgetedAmount");
    const separator =
      amountColumn === undefined ? null : inferDecimalSeparator(sheet.rows.map((r) => r[amountColumn] ?? ""));
    sheet.rows.forEach((row, i) => {
      const rowNumber = sheet.rowNumbers[i] ?? i + 1;
      const problems: RowError[] = [];
      const fail = (field: string, value: string, message: string) =>
        problems.push({ rowNumber, column: header(field), value, message });
      const department = cell(row, "department");
      if (!department) fail("department", "", "department is empty");
      const fiscalPeriod = cell(row, "fiscalPeriod");
      if (!fiscalPeriod) fail("fiscalPeriod", "", "fiscal period is empty");
      else if (fiscalPeriod.length > 40) fail("fiscalPeriod", fiscalPeriod, "is not a fiscal period (too long)");
      const currencyText = cell(row, "currency").toUpperCase();
      const amountText = cell(row, "budgetedAmount");
      const parsed = parseAmount(amountText, separator ? { decimalSeparator: separator } : {});
      let currency = currencyText || this.#o.defaultCurrency;
      if ("error" in parsed) fail("budgetedAmount", amountText, parsed.error);
      else if (parsed.value === null) fail("budgetedAmount", amountText, "amount is empty");
      else if (!currencyText && parsed.currency) currency = parsed.currency;
      if (!isKnownCurrency(currency)) fail("currency", currencyText, `'${currency}' is not an ISO 4217 currency`);
      let amountMinor: bigint | undefined;
      if (!("error" in parsed) && parsed.value !== null && isKnownCurrency(currency)) {
        try {
          amountMinor = parseDecimal(parsed.value, currencyExponent(currency));
        } catch {
          fail(
            "budgetedAmount",
            amountText,
            `has more decimals than ${currency} allows (${currencyExponent(currency)})`,
          );
        }
      }
      const subCategory = cell(row, "subCategory");
      const costCenter = cell(row, "costCenter");
      const key = lineKey(department, subCategory, fiscalPeriod, costCenter);
      const earlier = seen.get(key);
      if (problems.length === 0 && earlier !== undefined)
        fail("department", department, `the same budget line as row ${earlier}`);
      if (problems.length > 0 || amountMinor === undefined) {
        errors.push(...problems);
        return;
      }
      seen.set(key, rowNumber);
      lines.push({ lineKey: key, department, subCategory, fiscalPeriod, costCenter, currency, amountMinor, rowNumber });
    });
    return { lines, errors };
  }
}

/** The sheet an import reads: the one with the most rows (a workbook's notes sheet loses). */
function bestSheet(sheets: readonly TabularSheet[]): TabularSheet {
  const sheet = [...sheets].sort((a, b) => b.totalRows - a.totalRows)[0];
  if (!sheet) throw new ValidationError([{ field: "file", message: "holds no table" }]);
  return sheet;
}

/** Target field → column index; 400 naming the field for an unknown column or a target mapped twice. */
function checkMappings(mappings: ImportRequest["mappings"], headers: readonly string[]): ReadonlyMap<string, number> {
  const targets = new Set(BUDGET_TARGETS.map((t) => t.name));
  const columns = new Map<string, number>();
  const issues: { field: string; message: string }[] = [];
  mappings.forEach((m, i) => {
    const index = headers.indexOf(m.sourceColumn);
    if (index < 0)
      issues.push({ field: `mappings[${i}].sourceColumn`, message: `the file has no column '${m.sourceColumn}'` });
    if (!targets.has(m.targetField))
      issues.push({ field: `mappings[${i}].targetField`, message: `must be one of ${[...targets].join(", ")}` });
    else if (columns.has(m.targetField))
      issues.push({ field: `mappings[${i}].targetField`, message: `${m.targetField} is mapped twice` });
    else if (index >= 0) columns.set(m.targetField, index);
  });
  // A line needs these; sub-category and cost center may be absent, currency has a default.
  for (const target of ["department", "fiscalPeriod", "budgetedAmount"])
    if (!columns.has(target) && !issues.some((i) => i.message.includes(target)))
      issues.push({ field: "mappings", message: `${target} must be mapped` });
  if (issues.length > 0) throw new ValidationError(issues);
  return columns;
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

function summary(diff: ImportDiff) {
  return {
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    unchanged: diff.unchanged,
  };
}
