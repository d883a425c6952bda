// Finds the table in a sheet's raw rows: skips title and blank rows to the header row, joins
// a second header row when there is one, and lays the data rows under the headers.
import { parseAmount } from "./amount.js";
import { TabularError } from "./tabular-error.js";
import type { TabularLimits, TabularSheet } from "./types.js";

/** One row as read: trimmed cell texts without trailing blanks, and its line/row number. */
export interface RawRow {
  readonly cells: string[];
  readonly line: number;
}

/** How far down the header row may be, and how many rows below it show the data's shape. */
const HEADER_SCAN_ROWS = 50;
const SHAPE_ROWS = 10;

export type SheetShape =
  | { readonly kind: "table"; readonly sheet: TabularSheet; readonly warnings: string[] }
  | { readonly kind: "empty" }
  | { readonly kind: "header-only"; readonly headerLine: number }
  | { readonly kind: "no-header" };

/** A non-blank raw row and its index among all raw rows. */
export interface FilledRow {
  readonly row: RawRow;
  readonly index: number;
}

export interface HeaderFound {
  /** Index in the filled rows of the (first) header row. */
  readonly at: number;
  /** 1 or 2 header rows. */
  readonly depth: 1 | 2;
  /** The header labels, two rows joined; blanks not yet named. */
  readonly labels: string[];
}

export const filledRows = (raw: readonly RawRow[]): FilledRow[] =>
  raw.map((row, index) => ({ row, index })).filter(({ row }) => row.cells.some((c) => c !== ""));

/** Rows findHeader may look at: the scan window and the rows showing the data's shape below it. */
export const HEADER_LOOKAHEAD = HEADER_SCAN_ROWS + SHAPE_ROWS + 2;

/** The header among the first filled rows (HEADER_LOOKAHEAD of them suffice), or null. */
export function findHeader(filled: readonly FilledRow[]): HeaderFound | null {
  const at = filled.findIndex(
    ({ row }, i) =>
      i < HEADER_SCAN_ROWS &&
      looksLikeHeader(
        row,
        filled.slice(i + 1, i + 1 + SHAPE_ROWS).map((f) => f.row),
      ),
  );
  if (at < 0) return null;
  const header = filled[at]!;
  const next = filled[at + 1];
  const twoRows =
    next !== undefined &&
    next.index === header.index + 1 &&
    labelsNumberColumns(
      next.row,
      filled.slice(at + 2, at + 2 + SHAPE_ROWS).map((f) => f.row),
    );
  const labels = twoRows ? joinHeaderRows(header.row.cells, next.row.cells) : header.row.cells;
  return { at, depth: twoRows ? 2 : 1, labels };
}

export function shapeSheet(name: string | null, raw: readonly RawRow[], limits: TabularLimits): SheetShape {
  const filled = filledRows(raw);
  if (filled.length === 0) return { kind: "empty" };
  const found = findHeader(filled);
  if (found === null) return { kind: "no-header" };
  const header = filled[found.at]!;
  const data = filled.slice(found.at + found.depth);
  if (data.length === 0) return { kind: "header-only", headerLine: header.row.line };
  if (data.length > limits.maxRows) {
    throw new TabularError("TOO_MANY_ROWS", `The file has more than ${limits.maxRows} data rows.`, {
      limit: limits.maxRows,
    });
  }

  const { labels } = found;
  const width = data.reduce((widest, { row }) => Math.max(widest, row.cells.length), labels.length);
  const warnings: string[] = [];
  const headers = nameColumns(labels, width, warnings);
  const rows = data.map(({ row }) => Array.from({ length: width }, (_, c) => row.cells[c] ?? ""));
  const sheet: TabularSheet = {
    name,
    headerRowIndex: header.index,
    headers,
    rows,
    rowNumbers: data.map(({ row }) => row.line),
    totalRows: rows.length,
  };
  return { kind: "table", sheet, warnings };
}

const YEAR = /^(19|20|21)\d\d$/;
const DATE = /^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?$/;

/** A value a data cell holds: an amount or a date. */
const isNumberLike = (cell: string) =>
  cell !== "" && /\d/.test(cell) && (DATE.test(cell) || "value" in parseAmount(cell));

/** Header text: anything but a number, though a year ("2024" over a column of amounts) counts. */
const isLabel = (cell: string) => cell !== "" && (!isNumberLike(cell) || YEAR.test(cell));

/**
 * A header row names most of the columns the rows below it use (a title row names one), with
 * at least two different names, and its cells are nearly all text, not amounts or dates.
 */
function looksLikeHeader(row: RawRow, below: readonly RawRow[]): boolean {
  const nonBlank = row.cells.filter((c) => c !== "").length;
  const labels = row.cells.filter(isLabel).length;
  const extent = below.length > 0 ? Math.max(...below.map((r) => r.cells.length)) : row.cells.length;
  if (extent <= 1) return nonBlank === 1 && labels === 1;
  // A title merged across the table reads as one text repeated in every cell: not headers.
  const distinct = new Set(row.cells.filter((c) => c !== "")).size;
  return nonBlank >= Math.max(2, Math.ceil(extent * 0.6)) && distinct >= 2 && labels >= nonBlank * 0.8;
}

/**
 * A second header row is all text and names at least one column that holds numbers below
 * it ("Budget" under "FY2017"); a first data row has its numbers where the data has them.
 */
function labelsNumberColumns(row: RawRow, below: readonly RawRow[]): boolean {
  if (!row.cells.every((c) => c === "" || isLabel(c))) return false;
  return row.cells.some((cell, c) => {
    if (cell === "") return false;
    const values = below.map((r) => r.cells[c] ?? "").filter((v) => v !== "");
    const numbers = values.filter(isNumberLike).length;
    return numbers > 0 && numbers >= values.length / 2;
  });
}

/**
 * "FY2017" over "Budget" gives "FY2017 Budget". A group label saved from merged cells sits in
 * the first of its columns only, so it carries right over blank upper cells while the label
 * it came from has a lower part (a lone "Department" with nothing under it does not spread).
 */
function joinHeaderRows(upper: readonly string[], lower: readonly string[]): string[] {
  const width = Math.max(upper.length, lower.length);
  const joined: string[] = [];
  let group = "";
  for (let c = 0; c < width; c++) {
    const top = upper[c] ?? "";
    const bottom = lower[c] ?? "";
    if (top !== "") group = bottom !== "" ? top : "";
    const label = top !== "" ? top : bottom !== "" ? group : "";
    joined.push(label === bottom || label === "" ? bottom : bottom === "" ? label : `${label} ${bottom}`);
  }
  return joined;
}

/** Blank headers become "Column N" and repeats "Name (2)", so every column has its own name. */
export function nameColumns(labels: readonly string[], width: number, warnings: string[]): string[] {
  const seen = new Set<string>();
  const headers: string[] = [];
  for (let c = 0; c < width; c++) {
    let header = labels[c] ?? "";
    if (header === "") {
      header = `Column ${c + 1}`;
      warnings.push(`Column ${c + 1} has no header; it is called "${header}".`);
    }
    if (seen.has(header.toLowerCase())) {
      let n = 2;
      while (seen.has(`${header} (${n})`.toLowerCase())) n++;
      warnings.push(`The header "${header}" appears more than once; column ${c + 1} is called "${header} (${n})".`);
      header = `${header} (${n})`;
    }
    seen.add(header.toLowerCase());
    headers.push(header);
  }
  return headers;
}

/** The error for a file none of whose sheets holds a table: header-only beats header-less beats empty. */
export function noTableError(shapes: readonly SheetShape[], unit: "line" | "row"): TabularError {
  const headerOnly = shapes.find((s) => s.kind === "header-only");
  if (headerOnly) {
    return new TabularError(
      "HEADER_ONLY",
      `The file has a header row (${unit} ${headerOnly.headerLine}) but no data rows under it.`,
    );
  }
  if (shapes.some((s) => s.kind === "no-header")) {
    return new TabularError(
      "NO_HEADER_ROW",
      "No header row was found: the first 50 rows hold no row that names the columns (for example Department, Period, Amount).",
    );
  }
  return new TabularError(
    "EMPTY_FILE",
    unit === "line" ? "The file has no rows." : "Every sheet of the workbook is empty.",
  );
}
