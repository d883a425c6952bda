// Streaming Excel (.xlsx) report writer over exceljs's `stream.xlsx.WorkbookWriter` (exceljs
// 4.4.0, pinned in package.json: this module leans on two of its internals, named below, and
// the unit tests check both).
//
// Memory: why a bare exceljs WorkbookWriter grows with the row count, and what we do about it
// -------------------------------------------------------------------------------------------
// A worksheet's XML goes: WorksheetWriter._writeRow (lib/stream/xlsx/worksheet-writer.js:613)
// -> the sheet's StreamBuf (batch mode, 64 KiB buffers; opened by WorkbookWriter._openStream,
// lib/stream/xlsx/workbook-writer.js:68-75) -> `zip.append(stream)` hands it to archiver, and
// because StreamBuf never calls its Duplex constructor (it has no `_readableState`),
// archiver-utils' normalizeInputSource (node_modules/archiver-utils/index.js:88-92) pipes it
// into a fresh readable-stream v2 PassThrough (highWaterMark 16 KiB) -> zip-stream's deflate
// -> archiver (a Transform, highWaterMark 1 MiB) -> the output stream.
//
// The leak is the first hop: StreamBuf.write (lib/utils/stream-buf.js:243-248) hands each full
// 64 KiB buffer to `_pipe` (lines 202-211), which calls `pipe.write(buffer, cb)` and neither
// awaits it nor looks at its return value; StreamBuf.write itself always returns true (line
// 265), so the worksheet writer never learns that anything is behind. The PassThrough accepts
// every write and queues it, and on this path nothing ever waits: rows are rendered
// synchronously on the main thread while deflate and the file writes need event-loop turns, so
// the uncompressed sheet XML piles up in that PassThrough's write queue (measured: ~54 MB
// queued at 250k rows, ~220 MB at 1M, growing linearly). Yielding to the event loop now and
// then only slows the pile-up, and capping the V8 heap does nothing because the queued Buffers
// live outside the heap. (The issue's other suspect is real too but smaller: with neither `stream`
// nor `filename`, WorkbookWriter pipes the zip into a StreamBuf, workbook-writer.js:56, and a
// StreamBuf with no pipes keeps every chunk it emits, stream-buf.js:256-262, so the whole
// compressed file stays in memory. We always pass `stream: output`, so that path is never
// taken.)
//
// What we do: pass `stream: output`, so archiver pipes to it with ordinary backpressure. Add
// sheets one at a time, because archiver zips one entry at a time (async.queue with concurrency
// 1, archiver/lib/core.js:52): a sheet's XML cannot be consumed until every earlier sheet is
// committed. After each row, read how much is queued in the current sheet's PassThrough
// (internal 1: `worksheet.stream.pipes[0]`) and, above HIGH_WATER_BYTES, wait for its 'drain'.
// That one wait covers the whole chain: when `output` stops taking data, archiver's buffer
// fills, archiver stops reading deflate, deflate stops reading the PassThrough, and we wait
// there. Also: `useSharedStrings: false`, since exceljs's SharedStrings
// (lib/utils/shared-strings.js) keeps every distinct string until the workbook is committed,
// and one style object per column and kind, so exceljs's style registry hits its WeakMap
// (lib/xlsx/xform/style/styles-xform.js:246) instead of rendering a style per cell.
//
// Formula injection
// -----------------
// exceljs never turns a string into a formula: Value.getType (lib/doc/cell.js:1066) makes
// every JS string a String cell, and without shared strings cell-xform.js:242-244 writes it as
// `<c t="str"><v>text</v></c>`, with no `<f>` element. A spreadsheet therefore shows "=1+1" as
// text when it opens the file. The risk left is later: a user who edits the cell (F2, Enter)
// or saves the sheet as CSV turns the text into a live formula. Excel's own protection is the
// `quotePrefix="1"` attribute on the cell's `xf` style (that is what typing '=1+1 produces),
// and exceljs does not serialise it: "quotePrefix" appears nowhere in its lib/. So a text cell
// that `isFormulaLike` (it starts with = + - @, tab or CR, or the full-width ＝ ＋ － ＠) gets
// (a) the Text number format "@" (public API; Excel and LibreOffice keep typed input in Text
// cells as text), and (b) `quotePrefix="1"` patched into that style's rendered `<xf>` in
// exceljs's style registry (internal 2: `workbook.styles.model.styles`, the list of `<xf>`
// strings styles.xml is rendered from when the workbook is committed). The value
// itself is written unchanged, so the visible text stays exactly what the data says. We do not
// prefix a single quote (OWASP's advice for CSV), because in an .xlsx the quote would show as
// part of the value.
//
// Characters XML 1.0 forbids
// --------------------------
// exceljs writes a string cell's text into the sheet XML as it is (it escapes & < > " only), so
// one C0 control character, lone surrogate, U+FFFE or U+FFFF makes the sheet invalid XML:
// Excel reports the file corrupt, LibreOffice drops every row after the cell. The edge refuses
// them in what callers send, but a value from SAP or an old row may still hold one, so every
// text this writer puts into the file (cells, headers, labels, the title) goes through the
// kernel's stripXmlForbidden first, and the formula check looks at the stripped text.

import { isFormulaLike } from "../../kernel/csv.js";
import { stripXmlForbidden } from "../../kernel/text.js";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";

export type CellKind = "text" | "money" | "date" | "number" | "percent" | "hours";

export interface ReportColumn {
  readonly key: string;
  readonly header: string;
  readonly kind: CellKind;
  readonly width?: number;
  /** For money: the row key holding each amount's currency (the PDF shows it beside the amount). */
  readonly currencyKey?: string;
}

/** Rows are plain values: money/number/percent/hours as decimal strings ("1234.50", "-12.5"), dates as ISO "YYYY-MM-DD", text as strings; null is an empty cell. */
export type ReportRow = Readonly<Record<string, string | null>>;

export interface ReportSheet {
  readonly name: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: AsyncIterable<ReportRow> | Iterable<ReportRow>;
  /** Totals (one per currency), in bold below the data and a blank row, outside the auto-filter. */
  readonly totals?: readonly ReportRow[];
  /**
   * Number columns (keys) also drawn as bars made of cells, one column each after the data:
   * the sheet's chart. Only for rows given as an array (the longest bar is the largest value).
   */
  readonly bars?: readonly string[];
}

export interface ExcelReport {
  readonly title: string;
  /** Lines under the title on the Summary sheet: date range, who asked, when. */
  readonly subtitle: readonly string[];
  /** What the report could not show: counted on the Summary sheet, listed on a Warnings sheet right after it. */
  readonly warnings?: readonly string[];
  /** Label/value pairs on the Summary sheet (values are text or decimal strings with a kind); an amount's currency joins its label, "Billed (EUR)". */
  readonly summary: readonly {
    readonly label: string;
    readonly value: string;
    readonly kind: CellKind;
    readonly currency?: string;
  }[];
  readonly details: ReportSheet; // sheet named as given, e.g. "Details"
  readonly chartData: ReportSheet; // "Chart data": small, chart-ready table
  readonly extra?: readonly ReportSheet[];
}

/** Number formats per kind. Percent values are percentages ("12.34" is 12.34%, as merge-project computes them). */
export const CELL_FORMATS: Readonly<Record<Exclude<CellKind, "text">, string>> = {
  money: "#,##0.00",
  date: "yyyy-mm-dd",
  number: "General",
  percent: "0.00%",
  hours: "#,##0.0#",
};

const SUMMARY_SHEET = "Summary";
const WARNINGS_SHEET = "Warnings";
/** Rows in an Excel worksheet (header included). */
const EXCEL_MAX_ROWS = 1_048_576;
/** Queued sheet XML (bytes, uncompressed) above which we wait for the zip to catch up. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** onProgress is called every this many data rows (and once at the end). */
const PROGRESS_EVERY = 10_000;
/** Fallback re-check while waiting for 'drain', in case the event never comes. */
const DRAIN_POLL_MS = 250;
/**
 * Every sheet prints landscape, as wide as one page (fitToHeight 0: as many pages tall as it
 * takes), with the sheet name and "Page n of m" in the footer.
 */
const PAGE_SETUP = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 } as const;
const HEADER_FOOTER = { oddFooter: "&L&A&RPage &P of &N" } as const;
/** Every data row's (empty) row style: one object, so exceljs registers it once, not per row. */
const ROW_STYLE = {};
const DEFAULT_WIDTH: Readonly<Record<CellKind, number>> = {
  text: 16,
  money: 15,
  date: 12,
  number: 12,
  percent: 10,
  hours: 11,
};
/** exceljs's Enums.ValueType.String, the cell type a style is registered for. */
const VALUE_TYPE_STRING = 3;

// ---------------------------------------------------------------------------------------------
// The slice of exceljs's streaming writer this module uses (its typings describe the in-memory
// Workbook instead), including the two internals named at the top of the file.

interface SheetCell {
  value: unknown;
  style: object;
}
interface SheetRow {
  style: object;
  getCell(column: number): SheetCell;
  commit(): void;
}
interface SheetWriter {
  columns: { width: number }[];
  autoFilter: string | null;
  getRow(rowNumber: number): SheetRow;
  commit(): void;
  /** exceljs's StreamBuf for the sheet's XML; `pipes` is internal 1. */
  readonly stream: { readonly pipes?: unknown };
}
interface StyleRegistry {
  addStyleModel(style: object, cellType: number): number;
  /** Internal 2: the rendered `<xf>` of every registered style, by style id. */
  readonly model?: { readonly styles?: unknown };
}
interface WorkbookWriter {
  creator: string;
  lastModifiedBy: string;
  title: string;
  readonly styles: StyleRegistry;
  readonly zip: {
    unpipe(destination?: NodeJS.WritableStream): unknown;
    on(event: "error", listener: (error: Error) => void): unknown;
    off(event: "error", listener: (error: Error) => void): unknown;
  };
  addWorksheet(name: string, options: { views?: object[]; pageSetup?: object; headerFooter?: object }): SheetWriter;
  commit(): Promise<unknown>;
}
/** The PassThrough archiver reads a sheet from (readable-stream v2: no `writableLength`). */
interface SheetInlet {
  readonly writableLength?: number;
  readonly _writableState?: { readonly length?: number };
  once(event: "drain", listener: () => void): unknown;
  off(event: "drain", listener: () => void): unknown;
}

function internalsChanged(what: string): Error {
  return new Error(
    `excel-report: exceljs internals changed (${what}); shared/systems/reports/excel-report.ts was written against exceljs 4.4.0`,
  );
}

function inletOf(sheet: SheetWriter): SheetInlet {
  const pipes = sheet.stream.pipes;
  const inlet = Array.isArray(pipes) && pipes.length === 1 ? (pipes[0] as SheetInlet | undefined) : undefined;
  if (!inlet || typeof inlet.once !== "function" || typeof queuedBytes(inlet) !== "number")
    throw internalsChanged("worksheet.stream.pipes[0] is not archiver's PassThrough");
  return inlet;
}

function queuedBytes(inlet: SheetInlet): number | undefined {
  return inlet.writableLength ?? inlet._writableState?.length;
}

// ---------------------------------------------------------------------------------------------
// Styles: one object per (kind, emphasis, quoted), shared by every cell that uses it.

type Style = { numFmt?: string; font?: { bold?: boolean; size?: number; color?: { argb: string } } };

class Styles {
  readonly #registry: StyleRegistry;
  readonly #plain = new Map<string, Style>();
  readonly #quoted = new Map<Style, Style>();

  constructor(registry: StyleRegistry) {
    this.#registry = registry;
  }

  /** The style of a cell of `kind`; `font` for headers and titles. */
  of(kind: CellKind, font?: Style["font"]): Style {
    const key = `${kind}|${font?.bold ?? ""}|${font?.size ?? ""}`;
    let style = this.#plain.get(key);
    if (!style) {
      style = {};
      if (kind !== "text" && CELL_FORMATS[kind] !== "General") style.numFmt = CELL_FORMATS[kind];
      if (font) style.font = { ...font };
      this.#plain.set(key, style);
    }
    return style;
  }

  /** `base` plus the Text format "@" and `quotePrefix="1"`, for formula-like text (see the top of the file). */
  quoted(base: Style): Style {
    let style = this.#quoted.get(base);
    if (!style) {
      style = { ...base, numFmt: "@" };
      const id = this.#registry.addStyleModel(style, VALUE_TYPE_STRING);
      const xfs = this.#registry.model?.styles;
      const xf: unknown = Array.isArray(xfs) ? (xfs as unknown[])[id] : undefined;
      if (typeof xf !== "string" || !xf.startsWith("<xf "))
        throw internalsChanged("workbook.styles.model.styles does not hold rendered <xf> elements");
      // The registry indexes styles by their original XML, so later cells with this style
      // object (a WeakMap hit) or an equal one get the same, patched, id.
      if (!xf.includes("quotePrefix")) (xfs as string[])[id] = xf.replace("<xf ", '<xf quotePrefix="1" ');
      this.#quoted.set(base, style);
    }
    return style;
  }
}

// ---------------------------------------------------------------------------------------------
// Values

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A row or summary value that is not of its column's kind (or a sheet Excel could not open). */
export class ReportDataError extends Error {
  override readonly name = "ReportDataError";
}

/**
 * Converts a decimal string to the number the cell holds. Number(...) is deliberate here, at
 * the presentation boundary: an .xlsx cell holds an IEEE double anyway, and Excel shows 15
 * significant digits; amounts stay exact decimal strings everywhere before this point.
 * Percentages are divided by 100 in the string ("12.34e-2"), so the double is the one nearest
 * to the exact fraction, not the result of a second rounding.
 */
function toNumber(value: string, kind: CellKind): number | undefined {
  return DECIMAL.test(value) ? Number(kind === "percent" ? `${value}e-2` : value) : undefined;
}

/** Days from Excel's day 0 (1899-12-30, in its 1900 date system) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET_DAYS = 25569;
const MS_PER_DAY = 86_400_000;
/** Reports repeat dates a lot: converted serials by ISO string, cleared when it grows past this. */
const DATE_CACHE_LIMIT = 10_000;
const dateSerials = new Map<string, number>();

/**
 * "YYYY-MM-DD" as an Excel date serial (whole days; what exceljs's utils.dateToExcel makes of
 * a Date at midnight UTC). In an .xlsx a date *is* this number under a date format: the XML is
 * the same as exceljs writes for a Date cell, and readers (Excel, exceljs) give back a date.
 */
function toDateSerial(value: string): number | undefined {
  const cached = dateSerials.get(value);
  if (cached !== undefined) return cached;
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1900)
    return undefined;
  const serial = date.getTime() / MS_PER_DAY + EXCEL_EPOCH_OFFSET_DAYS;
  if (dateSerials.size >= DATE_CACHE_LIMIT) dateSerials.clear();
  dateSerials.set(value, serial);
  return serial;
}

// ---------------------------------------------------------------------------------------------
// Sheet names: exceljs's streaming writer does not check them; Excel refuses a file that breaks these.

function checkSheetNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (
      name.length === 0 ||
      name.length > 31 ||
      /[\\/?*[\]:]/.test(name) ||
      name.startsWith("'") ||
      name.endsWith("'") ||
      stripXmlForbidden(name) !== name
    )
      throw new Error(
        `excel-report: invalid sheet name ${JSON.stringify(name)} (1-31 characters, none of \\ / ? * [ ] : nor a character XML forbids, no leading or trailing ')`,
      );
    if (name.toLowerCase() === "history")
      throw new Error(`excel-report: Excel reserves the sheet name ${JSON.stringify(name)}`);
    if (seen.has(name.toLowerCase())) throw new Error(`excel-report: duplicate sheet name ${JSON.stringify(name)}`);
    seen.add(name.toLowerCase());
  }
}

function columnLetters(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes `report` as an .xlsx to `output` and ends it: a Summary sheet (title, subtitle lines,
 * label/value pairs), a Warnings sheet when there are any, then the details, chart-data and
 * extra sheets, each with a bold, frozen, auto-filtered header row and its totals rows below
 * the data; every sheet prints landscape, one page wide. Streams: memory stays flat whatever the row count, and a slow
 * `output` slows the writer down (see the top of the file). Resolves once `output` has
 * finished, with the number of data rows written (all data sheets, headers not counted);
 * `onProgress` gets the same running count every 10,000 rows and at the end. On failure
 * (a bad value, a failing row source, an output error) the output is destroyed with the error,
 * so an upload reading it fails instead of storing a truncated file, and the promise rejects.
 */
export async function writeExcelReport(
  report: ExcelReport,
  output: Writable,
  onProgress?: (rowsWritten: number) => void,
): Promise<{ rows: number }> {
  const warnings = report.warnings ?? [];
  const warningSheet: ReportSheet[] = warnings.length
    ? [
        {
          name: WARNINGS_SHEET,
          columns: [{ key: "warning", header: "Warning", kind: "text", width: 100 }],
          rows: warnings.map((warning) => ({ warning })),
        },
      ]
    : [];
  const dataSheets = [...warningSheet, report.details, report.chartData, ...(report.extra ?? [])];
  checkSheetNames([SUMMARY_SHEET, ...dataSheets.map((s) => s.name)]);
  for (const sheet of dataSheets) {
    if (sheet.columns.length === 0) throw new Error(`excel-report: sheet ${JSON.stringify(sheet.name)} has no columns`);
  }

  // Errors of the output or of archiver end the run wherever it is waiting.
  let failure: Error | undefined;
  let reject!: (error: Error) => void;
  const failed = new Promise<never>((_, r) => (reject = r));
  const fail = (error: Error) => {
    failure ??= error;
    reject(failure);
  };
  failed.catch(() => undefined);
  const onError = (error: Error) => fail(error);
  const onClose = () => {
    if (!output.writableFinished) fail(new Error("excel-report: the output closed before the report was written"));
  };
  output.on("error", onError);
  output.on("close", onClose);

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    useSharedStrings: false,
  }) as unknown as WorkbookWriter;
  workbook.zip.on("error", onError);
  workbook.creator = "finance-integration-platform";
  workbook.lastModifiedBy = "finance-integration-platform";
  workbook.title = stripXmlForbidden(report.title);
  const styles = new Styles(workbook.styles);
  let rowsWritten = 0;

  /** Every text of the file goes through here: stripped of what XML forbids, then checked for formulas. */
  const textCell = (cell: SheetCell, text: string, style: Style) => {
    const clean = stripXmlForbidden(text);
    cell.value = clean;
    cell.style = isFormulaLike(clean) ? styles.quoted(style) : style;
  };

  /** Writes `value` as a cell of `kind`; false when it is not a value of that kind. */
  const valueCell = (cell: SheetCell, value: string, kind: CellKind, style: Style): boolean => {
    if (kind === "text") {
      textCell(cell, value, style);
      return true;
    }
    const converted = kind === "date" ? toDateSerial(value) : toNumber(value, kind);
    if (converted === undefined) return false;
    cell.value = converted;
    cell.style = style;
    return true;
  };
  const badValue = (where: string, value: string, kind: CellKind) =>
    new ReportDataError(
      `excel-report: ${where}: ${JSON.stringify(value)} is not ${kind === "date" ? "a date (YYYY-MM-DD)" : `a decimal string (${kind})`}`,
    );

  /** Waits while the sheet's queued XML is above the high-water mark (the backpressure of the whole chain). */
  const waitForRoom = async (inlet: SheetInlet) => {
    while ((queuedBytes(inlet) ?? 0) > HIGH_WATER_BYTES) {
      let onDrain!: () => void;
      let timer: NodeJS.Timeout | undefined;
      try {
        const drained = new Promise<void>((resolve) => {
          onDrain = resolve;
          inlet.once("drain", onDrain);
          timer = setTimeout(resolve, DRAIN_POLL_MS);
        });
        await Promise.race([failed, drained]);
      } finally {
        inlet.off("drain", onDrain);
        clearTimeout(timer);
      }
    }
  };

  const writeSummary = () => {
    const sheet = workbook.addWorksheet(SUMMARY_SHEET, { pageSetup: PAGE_SETUP, headerFooter: HEADER_FOOTER });
    const labelOf = (item: ExcelReport["summary"][number]) =>
      item.currency ? `${item.label} (${item.currency})` : item.label;
    const labelWidth = Math.min(60, Math.max(24, ...report.summary.map((s) => labelOf(s).length + 2)));
    sheet.columns = [{ width: labelWidth }, { width: 22 }];
    let rowNumber = 0;
    const titleRow = sheet.getRow(++rowNumber);
    textCell(titleRow.getCell(1), report.title, styles.of("text", { bold: true, size: 14 }));
    titleRow.commit();
    for (const line of report.subtitle) {
      const row = sheet.getRow(++rowNumber);
      textCell(row.getCell(1), line, styles.of("text"));
      row.commit();
    }
    if (warnings.length > 0) {
      const row = sheet.getRow(++rowNumber);
      const count = warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`;
      textCell(row.getCell(1), `${count}: see the ${WARNINGS_SHEET} sheet`, styles.of("text", { bold: true }));
      row.commit();
    }
    rowNumber++; // a blank line between the heading and the figures
    for (const [i, item] of report.summary.entries()) {
      const row = sheet.getRow(++rowNumber);
      textCell(row.getCell(1), labelOf(item), styles.of("text", { bold: true }));
      if (!valueCell(row.getCell(2), item.value, item.kind, styles.of(item.kind)))
        throw badValue(`${SUMMARY_SHEET} item ${i + 1} (${JSON.stringify(labelOf(item))})`, item.value, item.kind);
      row.commit();
    }
    sheet.commit();
  };

  const writeDataSheet = async (spec: ReportSheet) => {
    const columns = spec.columns;
    const sheet = workbook.addWorksheet(spec.name, {
      views: [{ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2", activeCell: "A2" }],
      pageSetup: PAGE_SETUP,
      headerFooter: HEADER_FOOTER,
    });
    const bars = barColumnsOf(spec);
    sheet.columns = [
      ...columns.map((c) => ({
        width: c.width ?? Math.max(DEFAULT_WIDTH[c.kind], Math.min(50, c.header.length + 2)),
      })),
      ...bars.map(() => ({ width: BAR_CELLS + 2 })),
    ];
    const inlet = inletOf(sheet);
    const cellStyles = columns.map((c) => styles.of(c.kind));
    const header = sheet.getRow(1);
    const headerStyle = styles.of("text", { bold: true });
    columns.forEach((c, i) => textCell(header.getCell(i + 1), c.header, headerStyle));
    bars.forEach((b, j) => textCell(header.getCell(columns.length + j + 1), b.header, headerStyle));
    header.commit();

    let rowNumber = 1;
    const writeRow = (values: ReportRow) => {
      if (failure) throw failure; // the output failed while we waited for this row
      if (rowNumber === EXCEL_MAX_ROWS)
        throw new ReportDataError(
          `excel-report: sheet ${JSON.stringify(spec.name)} has more than ${EXCEL_MAX_ROWS - 1} data rows, more than Excel can open`,
        );
      const row = sheet.getRow(++rowNumber);
      row.style = ROW_STYLE;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i]!;
        const value = values[column.key];
        if (value === null || value === undefined) continue; // no cell at all: empty
        if (!valueCell(row.getCell(i + 1), value, column.kind, cellStyles[i]!))
          throw badValue(
            `sheet ${JSON.stringify(spec.name)} row ${rowNumber} column ${JSON.stringify(column.key)}`,
            value,
            column.kind,
          );
      }
      bars.forEach((b, j) => {
        const bar = barText(values[b.key], b.largest);
        if (bar) textCell(row.getCell(columns.length + j + 1), bar, BAR_STYLE);
      });
      row.commit();
      rowsWritten++;
      if (onProgress && rowsWritten % PROGRESS_EVERY === 0) onProgress(rowsWritten);
    };

    const rows = spec.rows;
    if (Symbol.asyncIterator in rows) {
      for await (const values of rows) {
        writeRow(values);
        if ((queuedBytes(inlet) ?? 0) > HIGH_WATER_BYTES) await waitForRoom(inlet);
      }
    } else {
      for (const values of rows) {
        writeRow(values);
        if ((queuedBytes(inlet) ?? 0) > HIGH_WATER_BYTES) await waitForRoom(inlet);
      }
    }
    // Read when the sheet is committed, so the filter covers every data row (and no total).
    sheet.autoFilter = `A1:${columnLetters(columns.length + bars.length)}${rowNumber}`;
    if (spec.totals?.length) {
      if (rowNumber + 1 + spec.totals.length > EXCEL_MAX_ROWS)
        throw new ReportDataError(`excel-report: sheet ${JSON.stringify(spec.name)} has no room left for its totals`);
      const totalStyles = columns.map((c) => styles.of(c.kind, { bold: true }));
      rowNumber++; // a blank row between the data and the totals
      for (const values of spec.totals) {
        const row = sheet.getRow(++rowNumber);
        columns.forEach((column, i) => {
          const value = values[column.key];
          if (value === null || value === undefined) return;
          if (!valueCell(row.getCell(i + 1), value, column.kind, totalStyles[i]!))
            throw badValue(
              `sheet ${JSON.stringify(spec.name)} totals column ${JSON.stringify(column.key)}`,
              value,
              column.kind,
            );
        });
        row.commit();
      }
    }
    sheet.commit();
  };

  try {
    // One sheet at a time: archiver zips entries in order, so a later sheet's XML would only queue.
    writeSummary();
    for (const sheet of dataSheets) await Promise.race([failed, writeDataSheet(sheet)]);
    await Promise.race([failed, workbook.commit()]);
    output.off("close", onClose);
    output.off("error", onError);
    workbook.zip.off("error", onError);
    onProgress?.(rowsWritten);
    return { rows: rowsWritten };
  } catch (error) {
    // Stop archiver from writing (or ending) the output, then fail the output, so whoever reads
    // it (a blob upload) errors instead of keeping a truncated file. Our 'error' listener stays
    // on the output, so destroying it cannot crash a process that attached none.
    output.off("close", onClose);
    workbook.zip.unpipe(output);
    const reason = error instanceof Error ? error : new Error(String(error));
    if (!output.destroyed) output.destroy(reason);
    throw reason;
  }
}

// Bars made of cells
// ------------------
// Excel shows an embedded image only as a PNG, and drawing the chart's text into a PNG
// needs a rasteriser with fonts (canvas or resvg: native modules, or a WASM build that ships
// its own font files). A bar of block characters in a coloured cell is what Excel users
// build with REPT() themselves: it sorts and filters with its row and needs no native code.

/** Characters of the longest bar. */
const BAR_CELLS = 30;
const BAR_STYLE: Style = { font: { color: { argb: "FF4E79A7" } } };

interface BarColumn {
  readonly key: string;
  readonly header: string;
  readonly largest: number;
}

function barColumnsOf(spec: ReportSheet): BarColumn[] {
  if (!spec.bars?.length || !Array.isArray(spec.rows)) return [];
  const rows = spec.rows as readonly ReportRow[];
  return spec.bars.map((key) => {
    const column = spec.columns.find((c) => c.key === key);
    // Magnitudes only set a bar's length: a float is exact enough for 30 characters.
    const largest = Math.max(0, ...rows.map((r) => Math.abs(Number(r[key] ?? 0)) || 0));
    return { key, header: `${column?.header ?? key} (chart)`, largest };
  });
}

/** "█████" in proportion to the largest value ("-" before a negative one); empty for zero. */
function barText(value: string | null | undefined, largest: number): string {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n) || n === 0 || largest === 0) return "";
  const cells = Math.max(1, Math.round((Math.abs(n) / largest) * BAR_CELLS));
  return (n < 0 ? "-" : "") + "█".repeat(cells);
}
