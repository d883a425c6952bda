// The streaming form of the CSV reader, for imports too large to hold (a million rows): the
// encoding, delimiter and header come from the first bytes and rows, exactly as readTabular
// finds them; the data rows then flow through csv-parse's stream one at a time.
import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import iconv from "iconv-lite";
import {
  asTabularError,
  csvOptions,
  detectDelimiter,
  normaliseLineEndings,
  recordReader,
  refuseNonText,
  widthRecord,
} from "./csv-reader.js";
import { sniffFormat } from "./sniff.js";
import { filledRows, findHeader, HEADER_LOOKAHEAD, nameColumns, noTableError, type RawRow } from "./table-shape.js";
import { TabularError } from "./tabular-error.js";
import { chooseEncoding } from "./text-decoding.js";
import type { TabularLimits } from "./types.js";

/** One data row: trimmed cells (at least one per header) and its 1-based line in the file. */
export interface TabularRow {
  readonly cells: string[];
  readonly line: number;
}

export interface CsvStream {
  readonly encoding: string;
  readonly delimiter: string;
  readonly headerRowIndex: number;
  readonly headers: string[];
  readonly warnings: string[];
  /**
   * The data rows, blank rows left out, read as they are consumed; iterate once. A row
   * past limits.maxRows, or a malformed record, throws a TabularError mid-way, so an
   * import must stage rows and commit only when the iteration ends.
   */
  readonly rows: AsyncIterable<TabularRow>;
}

const fileTooLarge = (limits: TabularLimits) =>
  new TabularError("FILE_TOO_LARGE", `The file is larger than ${limits.maxBytes} bytes.`, { limit: limits.maxBytes });

const PIECE_CHARS = 16 * 1024;

/** Bytes read before deciding the encoding and delimiter. */
const HEAD_BYTES = 256 * 1024;

export async function streamCsv(
  source: AsyncIterable<Uint8Array>,
  options: { limits: TabularLimits },
): Promise<CsvStream> {
  const { limits } = options;
  const chunks = source[Symbol.asyncIterator]();
  const headParts: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    headParts.push(Buffer.from(next.value));
    headLength += next.value.length;
  }
  if (headLength > limits.maxBytes) throw fileTooLarge(limits);
  const head = Buffer.concat(headParts);
  if (sniffFormat(head) === "zip") {
    throw new TabularError("UNSUPPORTED_FORMAT", "An Excel workbook is read whole (readTabular), not streamed.");
  }
  const { encoding, bomLength, warnings } = chooseEncoding(head, ended);
  const headText = iconv.decode(head.subarray(bomLength), encoding, { stripBOM: false });
  if (ended && headText.trim() === "") throw new TabularError("EMPTY_FILE", "The file holds no text.");
  refuseNonText(headText);
  const { delimiter, width: usualWidth } = detectDelimiter(normaliseLineEndings(headText));

  const parser = parse(csvOptions(delimiter, limits));
  const text = decodedText(
    widthRecord(delimiter, usualWidth),
    head.subarray(bomLength),
    ended ? null : chunks,
    encoding,
    { bytesLeft: limits.maxBytes - headLength, limits },
  );
  pipeline(Readable.from(text), parser, () => {});
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const toRow = recordReader(limits);
  const nextRecord = async (): Promise<IteratorResult<RawRow>> => {
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return next;
        const row = toRow(next.value);
        if (row !== null) return { done: false, value: row };
      }
    } catch (error) {
      throw asTabularError(error, limits);
    }
  };

  // Enough rows to find the header the way readTabular does.
  const buffered: RawRow[] = [];
  let done = false;
  try {
    for (let filledCount = 0; filledCount < HEADER_LOOKAHEAD;) {
      const next = await nextRecord();
      if (next.done) {
        done = true;
        break;
      }
      buffered.push(next.value);
      if (next.value.cells.some((c) => c !== "")) filledCount++;
    }
  } catch (error) {
    parser.destroy();
    throw error;
  }
  const filled = filledRows(buffered);
  const found = filled.length === 0 ? null : findHeader(filled);
  if (found === null) {
    parser.destroy();
    throw noTableError([filled.length === 0 ? { kind: "empty" } : { kind: "no-header" }], "line");
  }
  const header = filled[found.at]!;
  const firstData = filled.slice(found.at + found.depth).map((f) => f.row);
  if (firstData.length === 0 && done) {
    parser.destroy();
    throw noTableError([{ kind: "header-only", headerLine: header.row.line }], "line");
  }
  const width = firstData.reduce((widest, row) => Math.max(widest, row.cells.length), found.labels.length);
  const headers = nameColumns(found.labels, width, warnings);

  async function* rows(): AsyncGenerator<TabularRow> {
    let count = 0;
    const emit = (row: RawRow): TabularRow => {
      if (++count > limits.maxRows) {
        throw new TabularError("TOO_MANY_ROWS", `The file has more than ${limits.maxRows} data rows.`, {
          limit: limits.maxRows,
        });
      }
      const cells =
        row.cells.length >= width ? row.cells : [...row.cells, ...Array<string>(width - row.cells.length).fill("")];
      return { cells, line: row.line };
    };
    try {
      for (const row of firstData) yield emit(row);
      while (!done) {
        const next = await nextRecord();
        if (next.done) break;
        if (next.value.cells.some((c) => c !== "")) yield emit(next.value);
      }
    } finally {
      parser.destroy();
    }
  }
  return { encoding, delimiter, headerRowIndex: header.index, headers, warnings, rows: rows() };
}

/** Decoded text chunk by chunk, line endings normalised; a CR at a chunk's end waits for the next. */
async function* decodedText(
  prefix: string,
  first: Uint8Array,
  rest: AsyncIterator<Uint8Array> | null,
  encoding: string,
  budget: { bytesLeft: number; readonly limits: TabularLimits },
): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  let carriedCr = false;
  const normalised = (text: string) => {
    let all = (carriedCr ? "\r" : "") + text;
    carriedCr = all.endsWith("\r");
    if (carriedCr) all = all.slice(0, -1);
    return normaliseLineEndings(all);
  };
  // csv-parse parses a written piece whole before the row cap can stop it: small pieces
  // bound the work done past the cap.
  function* pieces(text: string): Generator<string> {
    for (let at = 0; at < text.length; at += PIECE_CHARS) yield text.slice(at, at + PIECE_CHARS);
  }
  try {
    yield* pieces(prefix + normalised(decoder.write(Buffer.from(first))));
    while (rest) {
      const next = await rest.next();
      if (next.done) break;
      budget.bytesLeft -= next.value.length;
      if (budget.bytesLeft < 0) throw fileTooLarge(budget.limits);
      yield* pieces(normalised(decoder.write(Buffer.from(next.value))));
    }
    yield normalised(decoder.end() ?? "") + (carriedCr ? "\n" : "");
  } finally {
    await rest?.return?.();
  }
}
