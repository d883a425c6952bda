// CSV text to raw rows with csv-parse. What the library lacks is written here: choosing the
// delimiter (its delimiter_auto counts every character and fails on quoted fields), and
// telling a text file that is no table from one that is.
import { CsvError } from "csv-parse";
import { parse, type Options } from "csv-parse/sync";
import { TabularError } from "./tabular-error.js";
import type { TabularLimits } from "./types.js";
import type { RawRow } from "./table-shape.js";

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** Enough text to tell binary from text, and lines to see the table's shape below a few title rows. */
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_LINES = 200;

export interface CsvRows {
  readonly delimiter: string;
  readonly rows: RawRow[];
}

export function readCsvRows(text: string, limits: TabularLimits): CsvRows {
  refuseNonText(text);
  const normalised = normaliseLineEndings(text);
  const { delimiter, width } = detectDelimiter(normalised);
  const rowCap = rawRowCap(limits);
  // Refused before parsing: csv-parse builds a costly Error for each record of another width
  // than the first (blank lines too), so a flood of short lines would otherwise cost minutes.
  let lines = 0;
  for (let at = normalised.indexOf("\n"); at >= 0 && lines <= rowCap; at = normalised.indexOf("\n", at + 1)) lines++;
  if (lines > rowCap) throw tooManyRows(limits);
  try {
    const records = parse(widthRecord(delimiter, width) + normalised, csvOptions(delimiter, limits));
    const toRow = recordReader(limits);
    const rows: RawRow[] = [];
    for (const record of records) {
      const row = toRow(record);
      if (row !== null) rows.push(row);
    }
    return { delimiter, rows };
  } catch (error) {
    throw asTabularError(error, limits);
  }
}

/**
 * Records (blank and title rows included) read before giving up: header and title rows are
 * few and blank rows never count as data, so this only stops a runaway read early; the exact
 * check is on the data rows. It also bounds csv-parse's cost on ragged input.
 */
const rawRowCap = (limits: TabularLimits) => limits.maxRows * 2 + 1000;

/**
 * One line ending throughout: csv-parse counts a CRLF inside a quoted field as two lines,
 * which would put the row numbers of everything after it off by one.
 */
export const normaliseLineEndings = (text: string) => text.replace(/\r\n?/g, "\n");

/**
 * A blank record of the table's usual width, put before the text. csv-parse takes the first
 * record's width as the expected one and, even with relax_column_count, builds an Error (with
 * its stack) for every record of another width: after a one-cell title row that is every
 * row, a hundred times slower. recordReader drops this record (it is line 0).
 */
export const widthRecord = (delimiter: string, width: number) => `${delimiter.repeat(Math.max(width, 1) - 1)}\n`;

export const csvOptions = (delimiter: string, limits: TabularLimits): Options => ({
  delimiter,
  relax_column_count: true,
  relax_quotes: true,
  max_record_size: limits.maxCellChars * Math.min(limits.maxColumns, 64),
});

/**
 * Turns records into RawRows numbered by their first line, dropping the width record (line
 * 0). The line is counted here, not taken from csv-parse's on_record context, which costs
 * more than the parse itself: each record starts one line after the previous one, plus
 * the line breaks inside its quoted fields.
 */
export function recordReader(limits: TabularLimits): (record: string[]) => RawRow | null {
  const rowCap = rawRowCap(limits);
  let nextLine = 0;
  let count = 0;
  return (record) => {
    if (++count > rowCap + 1) throw tooManyRows(limits);
    const line = nextLine;
    nextLine = line + 1;
    for (const field of record) {
      for (let at = field.indexOf("\n"); at >= 0; at = field.indexOf("\n", at + 1)) nextLine++;
    }
    return line === 0 ? null : { cells: checkedCells(record, line, limits), line };
  };
}

export function asTabularError(error: unknown, limits: TabularLimits): unknown {
  if (error instanceof CsvError) return csvProblem(error, limits);
  return error;
}

function checkedCells(record: string[], line: number, limits: TabularLimits): string[] {
  let width = record.length;
  while (width > 0 && record[width - 1]!.trim() === "") width--;
  if (width > limits.maxColumns) {
    throw new TabularError(
      "TOO_MANY_COLUMNS",
      `Line ${line} has ${width} columns; at most ${limits.maxColumns} are allowed.`,
      {
        line,
        limit: limits.maxColumns,
      },
    );
  }
  const cells = record.slice(0, width).map((cell) => cell.trim());
  for (const cell of cells) {
    if (cell.length > limits.maxCellChars) {
      throw new TabularError(
        "CELL_TOO_LONG",
        `A cell on line ${line} is longer than ${limits.maxCellChars} characters.`,
        {
          line,
          limit: limits.maxCellChars,
        },
      );
    }
  }
  return cells;
}

export const tooManyRows = (limits: TabularLimits) =>
  new TabularError("TOO_MANY_ROWS", `The file has more than ${limits.maxRows} data rows.`, { limit: limits.maxRows });

function csvProblem(error: CsvError, limits: TabularLimits): TabularError {
  // csv-parse counts the width record too.
  const counted = (error as CsvError & { lines?: number }).lines;
  const line = counted === undefined ? undefined : counted - 1;
  if (error.code === "CSV_MAX_RECORD_SIZE") {
    return new TabularError("CELL_TOO_LONG", `Line ${line} holds a record that is too long.`, {
      line,
      limit: limits.maxCellChars,
    });
  }
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    return new TabularError("CORRUPT_FILE", "A quoted field is never closed: the file ends inside quotes.", { line });
  }
  return new TabularError("CORRUPT_FILE", `The file is not valid CSV near line ${line}.`, { line });
}

/**
 * Text with NULs or many control characters is binary that happened to decode; real CSV
 * has tabs and line breaks and little else below U+0020. Markup is named so the user knows
 * what they sent (web "Excel" exports are often HTML).
 */
export function refuseNonText(text: string): void {
  const sample = text.slice(0, SAMPLE_CHARS);
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) throw notTabular();
    if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) ||
      code === 0x7f ||
      code === 0xfffd
    )
      controls++;
  }
  if (controls > sample.length / 100) throw notTabular();
  if (/^\s*<(!doctype\s+html|html|\?xml)/i.test(sample)) {
    throw new TabularError(
      "NOT_TABULAR",
      "The file is an HTML or XML document, not CSV or Excel; save it as .xlsx or .csv.",
    );
  }
}

const notTabular = () =>
  new TabularError("NOT_TABULAR", "The file is neither CSV nor an Excel workbook (.xlsx): it holds binary data.");

/**
 * The delimiter that splits the first lines into the most rows of one common width (two
 * columns or more); ties go to the wider table, then to the order of DELIMITERS. Each
 * candidate is parsed with csv-parse so delimiters inside quoted fields are not counted.
 * Returns the table's width too (1 when no delimiter splits anything).
 */
export function detectDelimiter(text: string): { delimiter: string; width: number } {
  let sample = text.slice(0, SAMPLE_CHARS);
  let end = -1;
  for (let lines = 0; lines < SAMPLE_LINES; lines++) {
    const next = sample.indexOf("\n", end + 1);
    if (next < 0) break;
    end = next;
  }
  if (end >= 0 && (sample.length < text.length || end < sample.length - 1)) sample = sample.slice(0, end);
  let best = { delimiter: DELIMITERS[0] as string, rows: 0, width: 1 };
  for (const delimiter of DELIMITERS) {
    const widths = new Map<number, number>();
    try {
      parse(sample, {
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        on_record: (record: string[]) => {
          const width = record.length;
          if (width >= 2) widths.set(width, (widths.get(width) ?? 0) + 1);
          return null;
        },
      });
    } catch {
      continue; // a quote this delimiter cannot make sense of: not the delimiter
    }
    for (const [width, rows] of widths) {
      if (rows > best.rows || (rows === best.rows && width > best.width)) best = { delimiter, rows, width };
    }
  }
  return { delimiter: best.delimiter, width: best.width };
}
