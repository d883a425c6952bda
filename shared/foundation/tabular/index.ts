// The one reader of uploaded tables (CSV or xlsx), shared by every import: bytes in, the
// header row and data rows of each sheet out, or a TabularError naming what is wrong.
import { readCsvRows } from "./csv-reader.js";
import { shapeSheet, type SheetShape } from "./table-shape.js";
import { TabularError } from "./tabular-error.js";
import { decodeText } from "./text-decoding.js";
import type { TabularFile, TabularLimits, TabularSheet } from "./types.js";
import { readWorkbookRows } from "./xlsx-reader.js";
import { listZipEntries, verifyInflatedSizes } from "./zip-guard.js";

export { inferDecimalSeparator, parseAmount } from "./amount.js";
export type { AmountOptions, AmountResult, DecimalSeparator } from "./amount.js";
export { TabularError, type TabularProblem } from "./tabular-error.js";
export { DEFAULT_TABULAR_LIMITS } from "./types.js";
export type { TabularFile, TabularLimits, TabularSheet } from "./types.js";

export interface ReadTabularOptions {
  /** Only for messages: the format is decided by the content, never by the name. */
  readonly fileName?: string;
  readonly limits: TabularLimits;
}

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export async function readTabular(bytes: Uint8Array, options: ReadTabularOptions): Promise<TabularFile> {
  const { limits } = options;
  if (bytes.length === 0) throw new TabularError("EMPTY_FILE", "The file is empty.");
  if (bytes.length > limits.maxBytes) {
    throw new TabularError("FILE_TOO_LARGE", `The file is larger than ${limits.maxBytes} bytes.`, {
      limit: limits.maxBytes,
    });
  }
  if (startsWith(bytes, ZIP) || startsWith(bytes, EMPTY_ZIP)) return readXlsx(bytes, options);
  if (startsWith(bytes, PDF))
    throw new TabularError("NOT_TABULAR", "The file is a PDF, not CSV or an Excel workbook (.xlsx).");
  if (startsWith(bytes, OLE2)) {
    throw new TabularError(
      "UNSUPPORTED_FORMAT",
      "The file is an Excel 97-2003 workbook (.xls) or a password-protected one; save it as .xlsx or CSV without a password.",
    );
  }
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
  const headerOnly = shapes.find((s) => s.kind === "header-only");
  if (headerOnly) {
    throw new TabularError(
      "HEADER_ONLY",
      `The file has a header row (${unit} ${headerOnly.headerLine}) but no data rows under it.`,
    );
  }
  if (shapes.some((s) => s.kind === "no-header")) {
    throw new TabularError(
      "NO_HEADER_ROW",
      "No header row was found: the first 50 rows hold no row that names the columns (for example Department, Period, Amount).",
    );
  }
  throw new TabularError(
    "EMPTY_FILE",
    unit === "line" ? "The file has no rows." : "Every sheet of the workbook is empty.",
  );
}
