// The streaming form of the CSV reader, for imports too large to hold (a million rows): the
// encoding, delimiter and header come from the first bytes and rows, exactly as readTabular
// finds them; the data rows then come in small batches, each parsed from a few kilobytes of
// the file, so a piece's text and records die young (in the scavenger, not old space).
import { Parser, type Options } from "csv-parse";
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
   * The data rows, blank rows left out, read as they are consumed; iterate once, this or
   * `batches` (they share the file). A row past limits.maxRows, or a malformed record,
   * throws a TabularError mid-way, so an import must stage rows and commit only when the
   * iteration ends.
   */
  readonly rows: AsyncIterable<TabularRow>;
  /** The same rows in the order read, a few hundred at a time (one await per batch, not per row); never empty. */
  readonly batches: AsyncIterable<readonly TabularRow[]>;
}

const fileTooLarge = (limits: TabularLimits) =>
  new TabularError("FILE_TOO_LARGE", `The file is larger than ${limits.maxBytes} bytes.`, { limit: limits.maxBytes });

/**
 * Bytes decoded and parsed at a time. Small pieces keep what waits for the consumer small
 * (a 64 KB chunk decoded whole, with its records, outlived scavenges and piled up in old
 * space) and bound the work csv-parse does past the row cap.
 */
const PIECE_BYTES = 16 * 1024;

/** Bytes read before deciding the encoding and delimiter. */
const HEAD_BYTES = 256 * 1024;

/** csv-parse's parser without its stream: records are pushed synchronously while a piece is parsed. */
interface CsvEngine {
  parse(
    bytes: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

/**
 * The engine csv-parse's Parser stream (and its sync API) drives, taken from a Parser so
 * the options are normalised the same way. Calling it directly saves the Transform stream
 * and an async iterator with a promise per record (csv-parse is pinned; the tabular tests
 * fail loudly if this property ever moves).
 */
function csvEngine(options: Options): CsvEngine {
  const engine = (new Parser(options) as unknown as { api?: CsvEngine }).api;
  if (typeof engine?.parse !== "function") throw new Error("csv-parse's Parser has no api.parse to drive");
  return engine;
}

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
    headParts.push(asBuffer(next.value));
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

  const raw = rawBatches({
    prefix: widthRecord(delimiter, usualWidth),
    first: head.subarray(bomLength),
    rest: ended ? null : chunks,
    encoding,
    engine: csvEngine(csvOptions(delimiter, limits)),
    toRow: recordReader(limits),
    bytesLeft: limits.maxBytes - headLength,
    limits,
  });

  // Enough rows to find the header the way readTabular does; the rest of the last batch waits.
  const buffered: RawRow[] = [];
  let leftover: readonly RawRow[] = [];
  let done = false;
  try {
    for (let filledCount = 0; filledCount < HEADER_LOOKAHEAD;) {
      const next = await raw.next();
      if (next.done) {
        done = true;
        break;
      }
      let at = 0;
      for (; at < next.value.length && filledCount < HEADER_LOOKAHEAD; at++) {
        const row = next.value[at]!;
        buffered.push(row);
        if (isFilled(row)) filledCount++;
      }
      leftover = next.value.slice(at);
    }
  } catch (error) {
    await raw.return(undefined);
    throw error;
  }
  const filled = filledRows(buffered);
  const found = filled.length === 0 ? null : findHeader(filled);
  if (found === null) {
    await raw.return(undefined);
    throw noTableError([filled.length === 0 ? { kind: "empty" } : { kind: "no-header" }], "line");
  }
  const header = filled[found.at]!;
  const firstData = filled.slice(found.at + found.depth).map((f) => f.row);
  if (firstData.length === 0 && done) {
    await raw.return(undefined);
    throw noTableError([{ kind: "header-only", headerLine: header.row.line }], "line");
  }
  const width = firstData.reduce((widest, row) => Math.max(widest, row.cells.length), found.labels.length);
  const headers = nameColumns(found.labels, width, warnings);

  let count = 0;
  /** Filled rows of a batch, padded to the width, counted against the row cap. */
  const dataRows = (batch: readonly RawRow[]): TabularRow[] => {
    const out: TabularRow[] = [];
    for (const row of batch) {
      if (!isFilled(row)) continue;
      if (++count > limits.maxRows) {
        throw new TabularError("TOO_MANY_ROWS", `The file has more than ${limits.maxRows} data rows.`, {
          limit: limits.maxRows,
        });
      }
      const cells =
        row.cells.length >= width ? row.cells : [...row.cells, ...Array<string>(width - row.cells.length).fill("")];
      out.push({ cells, line: row.line });
    }
    return out;
  };
  async function* dataBatches(): AsyncGenerator<readonly TabularRow[]> {
    try {
      const first = dataRows([...firstData, ...leftover]);
      leftover = [];
      if (first.length > 0) yield first;
      if (done) return;
      for (;;) {
        const next = await raw.next();
        if (next.done) return;
        const batch = dataRows(next.value);
        if (batch.length > 0) yield batch;
      }
    } finally {
      await raw.return(undefined);
    }
  }
  const batches = dataBatches();
  async function* rows(): AsyncGenerator<TabularRow> {
    for await (const batch of batches) yield* batch;
  }
  return { encoding, delimiter, headerRowIndex: header.index, headers, warnings, rows: rows(), batches };
}

const isFilled = (row: RawRow) => row.cells.some((c) => c !== "");

/** A chunk as a Buffer without copying its bytes. */
const asBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The file's records (blank ones included) as RawRows, one batch per piece of PIECE_BYTES:
 * decoded, line endings normalised (a CR at a piece's end waits for the next) and parsed
 * synchronously, so nothing but the current piece's rows is held.
 */
async function* rawBatches(input: {
  readonly prefix: string;
  readonly first: Buffer;
  readonly rest: AsyncIterator<Uint8Array> | null;
  readonly encoding: string;
  readonly engine: CsvEngine;
  readonly toRow: (record: string[]) => RawRow | null;
  bytesLeft: number;
  readonly limits: TabularLimits;
}): AsyncGenerator<readonly RawRow[]> {
  const { engine, toRow, limits, rest } = input;
  const decoder = iconv.getDecoder(input.encoding, { stripBOM: false });
  let carriedCr = false;
  const normalised = (text: string) => {
    let all = carriedCr ? "\r" + text : text;
    carriedCr = all.endsWith("\r");
    if (carriedCr) all = all.slice(0, -1);
    return normaliseLineEndings(all);
  };
  let records: string[][] = [];
  const push = (record: string[]) => {
    records.push(record);
  };
  const close = () => {};
  const parsed = (text: string, end: boolean): RawRow[] => {
    const error = engine.parse(text === "" ? undefined : Buffer.from(text), end, push, close);
    try {
      if (error !== undefined) throw error;
      const rows: RawRow[] = [];
      for (const record of records) {
        const row = toRow(record);
        if (row !== null) rows.push(row);
      }
      return rows;
    } catch (problem) {
      throw asTabularError(problem, limits);
    } finally {
      records = [];
    }
  };
  function* pieces(bytes: Buffer, prefix = ""): Generator<readonly RawRow[]> {
    for (let at = 0; at < bytes.length || prefix !== ""; at += PIECE_BYTES) {
      const text = prefix + normalised(decoder.write(bytes.subarray(at, at + PIECE_BYTES)));
      prefix = "";
      if (text === "") continue;
      const rows = parsed(text, false);
      if (rows.length > 0) yield rows;
    }
  }
  try {
    yield* pieces(input.first, input.prefix);
    while (rest) {
      const next = await rest.next();
      if (next.done) break;
      input.bytesLeft -= next.value.length;
      if (input.bytesLeft < 0) throw fileTooLarge(limits);
      yield* pieces(asBuffer(next.value));
    }
    const last = parsed(normalised(decoder.end() ?? "") + (carriedCr ? "\n" : ""), true);
    if (last.length > 0) yield last;
  } finally {
    await rest?.return?.();
  }
}
