/** Caps on what one upload may hold; a file past any of them is refused, never truncated. */
export interface TabularLimits {
  /** Size of the file itself. */
  readonly maxBytes: number;
  /** Data rows of one sheet (blank rows and header rows not counted). */
  readonly maxRows: number;
  /** Columns of one sheet. */
  readonly maxColumns: number;
  /** Characters of one cell. */
  readonly maxCellChars: number;
  /** Entries of an xlsx (zip) archive. */
  readonly maxZipEntries: number;
  /**
   * Bytes all entries of an xlsx archive inflate to, together. exceljs holds the whole
   * workbook as objects, several times the XML's size, so this is what bounds its memory.
   */
  readonly maxInflatedBytes: number;
}

export const DEFAULT_TABULAR_LIMITS: TabularLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 200,
  maxCellChars: 10_000,
  maxZipEntries: 1_000,
  maxInflatedBytes: 100 * 1024 * 1024,
};

/** One table: the header row found, and the data rows under it as displayed text. */
export interface TabularSheet {
  /** The worksheet name (xlsx); null for CSV. */
  readonly name: string | null;
  /** 0-based index of the (first) header row among the raw rows, title and blank rows included. */
  readonly headerRowIndex: number;
  /** One per column, never empty and unique: a blank header becomes "Column N", a repeat "Name (2)". */
  readonly headers: string[];
  /**
   * Data rows, blank rows left out; each has exactly headers.length trimmed cells. In xlsx a
   * number cell reads as a plain decimal ("-1234.5", Excel's 15 digits), a date cell as
   * "2024-01-31", a formula cell as its saved result: parse xlsx amounts with "." as decimal.
   */
  readonly rows: string[][];
  /** For each data row, its 1-based line (CSV) or row (xlsx) number in the original file. */
  readonly rowNumbers: number[];
  readonly totalRows: number;
}

export interface TabularFile {
  readonly format: "csv" | "xlsx";
  /** The text encoding the CSV was read in (e.g. "utf-8", "windows-1252"); null for xlsx. */
  readonly encoding: string | null;
  /** The CSV field delimiter detected; null for xlsx. */
  readonly delimiter: string | null;
  /** CSV: one sheet. xlsx: every visible worksheet that holds a table, in workbook order. */
  readonly sheets: TabularSheet[];
  /** Things the user may want to know (encoding guessed, sheets skipped, headers renamed). */
  readonly warnings: string[];
}
