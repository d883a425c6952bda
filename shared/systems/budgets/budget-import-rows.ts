import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import {
  inferDecimalSeparator,
  parseAmount,
  readTabular,
  streamCsv,
  type TabularLimits,
  type TabularRow,
  type TabularSheet,
} from "../../foundation/tabular/index.js";
import { BUDGET_TARGETS } from "../../kernel/column-mapping/index.js";
import { ValidationError } from "../../kernel/errors.js";
import { currencyExponent, isKnownCurrency, parseDecimal } from "../../kernel/money.js";
import type { RowError, StagedLine } from "./budget-import-repository.js";
import { lineKey } from "./budget-repository.js";

/** A table an import reads row by row: a streamed CSV, a workbook's sheet, or a body's inline rows. */
export interface RowSource {
  readonly format: "csv" | "xlsx" | "rows";
  readonly headers: readonly string[];
  /** Iterate once. */
  readonly rows: AsyncIterable<TabularRow>;
}

/** Rows read before the amount column's decimal separator is decided. */
const SEPARATOR_SAMPLE = 10_000;

/** Bytes handed to the CSV stream at a time when the file is already in memory. */
const PIECE_BYTES = 64 * 1024;

/** A stored file as rows: CSV streamed (never whole in memory), a workbook read whole (its size is capped). */
export async function fileRows(
  stream: Readable,
  format: string,
  fileName: string,
  limits: TabularLimits,
): Promise<RowSource> {
  if (format !== "xlsx") {
    const csv = await streamCsv(stream, { limits });
    return { format: "csv", headers: csv.headers, rows: csv.rows };
  }
  const bytes = await buffer(stream);
  return sheetRows("xlsx", bestSheet((await readTabular(bytes, { fileName, limits })).sheets));
}

/** Bytes already in memory, as the CSV stream reads them: in pieces, never decoded whole. */
export async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += PIECE_BYTES) yield bytes.subarray(at, at + PIECE_BYTES);
}

export function sheetRows(format: RowSource["format"], sheet: TabularSheet): RowSource {
  async function* rows(): AsyncGenerator<TabularRow> {
    for (let i = 0; i < sheet.rows.length; i++) yield { cells: sheet.rows[i]!, line: sheet.rowNumbers[i] ?? i + 1 };
  }
  return { format, headers: sheet.headers, rows: rows() };
}

/** Ends a source not read to its end (a queued import read only its header), so its file stream closes. */
export async function closeRows(source: RowSource): Promise<void> {
  for await (const _ of source.rows) break;
}

/** The sheet an import reads: the one with the most rows (a workbook's notes sheet loses). */
export function bestSheet(sheets: readonly TabularSheet[]): TabularSheet {
  const sheet = [...sheets].sort((a, b) => b.totalRows - a.totalRows)[0];
  if (!sheet) throw new ValidationError([{ field: "file", message: "holds no table" }]);
  return sheet;
}

export interface MappingRequest {
  readonly sourceColumn: string;
  readonly targetField: string;
}

/** Target field → column index; 400 naming the field for an unknown column or a target mapped twice. */
export function checkMappings(
  mappings: readonly MappingRequest[],
  headers: readonly string[],
): ReadonlyMap<string, number> {
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

/** One row checked: its line, or its problems (row, column, value, message). */
export type CheckedRow = { readonly line: StagedLine } | { readonly problems: RowError[] };

/**
 * Checks rows one at a time; a line's amount in integer minor units of its currency. The
 * amount column's own convention decides "1.234" (1234 in a column that writes
 * "12.500,00"), judged on the first rows. A line set twice is found once staged (in SQL,
 * so a million rows need no key set in memory).
 */
export class RowChecker {
  readonly #headers: readonly string[];
  readonly #columns: ReadonlyMap<string, number>;
  readonly #defaultCurrency: string;
  readonly #amountOptions: { decimalSeparator?: "." | "," };

  private constructor(
    headers: readonly string[],
    columns: ReadonlyMap<string, number>,
    defaultCurrency: string,
    separator: "." | "," | null,
  ) {
    this.#headers = headers;
    this.#columns = columns;
    this.#defaultCurrency = defaultCurrency;
    this.#amountOptions = separator ? { decimalSeparator: separator } : {};
  }

  /** The checker, and the rows it was judged on followed by the rest (to read once). */
  static async open(
    source: RowSource,
    columns: ReadonlyMap<string, number>,
    defaultCurrency: string,
  ): Promise<{ checker: RowChecker; rows: AsyncIterable<TabularRow> }> {
    const iterator = source.rows[Symbol.asyncIterator]();
    const sample: TabularRow[] = [];
    let ended = false;
    while (sample.length < SEPARATOR_SAMPLE) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      sample.push(next.value);
    }
    const amountColumn = columns.get("budgetedAmount");
    const separator =
      amountColumn === undefined ? null : inferDecimalSeparator(sample.map((r) => r.cells[amountColumn] ?? ""));
    async function* rows(): AsyncGenerator<TabularRow> {
      try {
        yield* sample.splice(0);
        if (ended) return;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    }
    return { checker: new RowChecker(source.headers, columns, defaultCurrency, separator), rows: rows() };
  }

  check(row: readonly string[], rowNumber: number): CheckedRow {
    const problems: RowError[] = [];
    const fail = (field: string, value: string, message: string) =>
      problems.push({ rowNumber, column: this.header(field), value, message });
    const department = this.#cell(row, "department");
    if (!department) fail("department", "", "department is empty");
    const fiscalPeriod = this.#cell(row, "fiscalPeriod");
    if (!fiscalPeriod) fail("fiscalPeriod", "", "fiscal period is empty");
    else if (fiscalPeriod.length > 40) fail("fiscalPeriod", fiscalPeriod, "is not a fiscal period (too long)");
    const currencyText = this.#cell(row, "currency").toUpperCase();
    const amountText = this.#cell(row, "budgetedAmount");
    const parsed = parseAmount(amountText, this.#amountOptions);
    let currency = currencyText || this.#defaultCurrency;
    if ("error" in parsed) fail("budgetedAmount", amountText, parsed.error);
    else if (parsed.value === null) fail("budgetedAmount", amountText, "amount is empty");
    else if (!currencyText && parsed.currency) currency = parsed.currency;
    if (!isKnownCurrency(currency)) fail("currency", currencyText, `'${currency}' is not an ISO 4217 currency`);
    let amountMinor: bigint | undefined;
    if (!("error" in parsed) && parsed.value !== null && isKnownCurrency(currency)) {
      try {
        amountMinor = parseDecimal(parsed.value, currencyExponent(currency));
      } catch {
        fail("budgetedAmount", amountText, `has more decimals than ${currency} allows (${currencyExponent(currency)})`);
      }
    }
    if (problems.length > 0 || amountMinor === undefined) return { problems };
    const subCategory = this.#cell(row, "subCategory");
    const costCenter = this.#cell(row, "costCenter");
    return {
      line: {
        lineKey: lineKey(department, subCategory, fiscalPeriod, costCenter),
        department,
        subCategory,
        fiscalPeriod,
        costCenter,
        currency,
        amountMinor,
        rowNumber,
      },
    };
  }

  /** The file's own name of the column mapped to `field`. */
  header(field: string): string {
    return this.#headers[this.#columns.get(field) ?? -1] ?? field;
  }

  #cell(row: readonly string[], field: string): string {
    const index = this.#columns.get(field);
    return index === undefined ? "" : (row[index] ?? "").trim();
  }
}
