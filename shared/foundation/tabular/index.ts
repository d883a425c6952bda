// The one reader of uploaded tables (CSV or xlsx), shared by every import: bytes in, the
// header row and data rows of each sheet out, or a TabularError naming what is wrong.
import { readCsvRows } from "./csv-reader.js";
import { noTableError, shapeSheet, type SheetShape } from "./table-shape.js";
import { sniffFormat } from "./sniff.js";
import { TabularError } from "./tabular-error.js";
import { decodeText } from "./text-decoding.js";
import type { TabularFile, TabularLimits, TabularSheet } from "./types.js";
import { readWorkbookRows } from "./xlsx-reader.js";
import { listZipEntries, verifyInflatedSizes } from "./zip-guard.js";

export { inferDecimalSeparator, parseAmount } from "./amount.js";
export { streamCsv, type CsvStream, type TabularRow } from "./csv-stream.js";
export type { AmountOptions, AmountResult, DecimalSeparator } from "./amount.js";
export { TabularError, type TabularProblem } from "./tabular-error.js";
export { DEFAULT_TABULAR_LIMITS } from "./types.js";
export type { TabularFile, TabularLimits, TabularSheet } from "./types.js";

export interface ReadTabularOptions {
  /** Only for messages: the format is decided by the content, never by the name. */
  readonly fileName?: string;
  readonly limits: TabularLimits;
}

export async function readTabular(bytes: Uint8Array, options: ReadTabularOptions): Promise<TabularFile> {
  const { limits } = options;
  if (bytes.length > limits.maxBytes) {
    throw new TabularError("FILE_TOO_LARGE", `The file is larger than ${limits.maxBytes} bytes.`, {
      limit: limits.maxBytes,
    });
  }
  if (sniffFormat(bytes) === "zip") return readXlsx(bytes, options);
  return readCsv(bytes, options);
}

function readCsv(bytes: Uint8Array, options: ReadTabularOptions): TabularFile {
  const decoded = decodeText(bytes);
  if (decoded.text.trim() === "") throw new TabularError("EMPTY_FILE", "The file holds no text.");
  const { delimiter, rows } = readCsvRows(decoded.text, options.limits);
  const warnings = [...decoded.warnings];
  if (/\.xls[xm]?$/i.test(options.fileName ?? ""))
    warnings.push(`"${options.fileName}" holds text, not a workbook; it was read as CSV.`);
  const sheet = tableOrThrow([shapeSheet(null, rows, options.limits)], warnings, "line");
  return { format: "csv", encoding: decoded.encoding, delimiter, sheets: [sheet[0]!], warnings };
}

async function readXlsx(bytes: Uint8Array, options: ReadTabularOptions): Promise<TabularFile> {
  const entries = listZipEntries(bytes, options.limits);
  const names = new Set(entries.map((e) => e.name));
  if (!names.has("[Content_Types].xml") || !names.has("xl/workbook.xml")) {
    if (names.has("xl/workbook.bin")) {
      throw new TabularError(
        "UNSUPPORTED_FORMAT",
        "The file is an Excel binary workbook (.xlsb); save it as .xlsx or CSV.",
      );
    }
    if (names.has("mimetype") && names.has("content.xml")) {
      throw new TabularError(
        "UNSUPPORTED_FORMAT",
        "The file is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV.",
      );
    }
    throw new TabularError("NOT_TABULAR", "The file is a zip archive, not an Excel workbook (.xlsx) or CSV.");
  }
  verifyInflatedSizes(bytes, entries);
  const workbook = await readWorkbookRows(bytes, options.limits);
  const warnings = [...workbook.warnings];
  const shapes = workbook.sheets.map((s) => ({ name: s.name, shape: shapeSheet(s.name, s.rows, options.limits) }));
  for (const { name, shape } of shapes) {
    if (shape.kind === "empty") warnings.push(`The sheet "${name}" is empty.`);
    if (shape.kind === "header-only") warnings.push(`The sheet "${name}" has headers but no data rows.`);
    if (shape.kind === "no-header") warnings.push(`The sheet "${name}" has no header row and was not read.`);
  }
  const sheets = tableOrThrow(
    shapes.map((s) => s.shape),
    warnings,
    "row",
  );
  return { format: "xlsx", encoding: null, delimiter: null, sheets, warnings };
}

/** The sheets that hold a table; when none does, the error the best of them earns. */
function tableOrThrow(shapes: readonly SheetShape[], warnings: string[], unit: "line" | "row"): TabularSheet[] {
  const tables: TabularSheet[] = [];
  for (const shape of shapes) {
    if (shape.kind !== "table") continue;
    tables.push(shape.sheet);
    warnings.push(...shape.warnings);
  }
  if (tables.length > 0) return tables;
  throw noTableError(shapes, unit);
}
