// A table an import reads row by row, whatever it came from: a stored CSV streamed, a
// workbook's best sheet, or a request's inline rows. Shared by every import (budgets,
// expenses), so each reads files the same way.
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { ValidationError } from "../../kernel/errors.js";
import { streamCsv, type TabularRow } from "./csv-stream.js";
import { readTabular } from "./index.js";
import type { TabularLimits, TabularSheet } from "./types.js";

export interface RowSource {
  readonly format: "csv" | "xlsx" | "rows";
  readonly headers: readonly string[];
  /** Iterate once, this or `batches` (they share the file). */
  readonly rows: AsyncIterable<TabularRow>;
  /** The same rows a batch at a time (never empty): one await per batch for a million-row import. */
  readonly batches: AsyncIterable<readonly TabularRow[]>;
}

/** Rows of a workbook or a request per batch, as a streamed CSV gives them. */
const SHEET_BATCH = 1_000;

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
    return { format: "csv", headers: csv.headers, rows: csv.rows, batches: csv.batches };
  }
  const bytes = await buffer(stream);
  return sheetRows("xlsx", bestSheet((await readTabular(bytes, { fileName, limits })).sheets));
}

/** Bytes already in memory, as the CSV stream reads them: in pieces, never decoded whole. */
export async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += PIECE_BYTES) yield bytes.subarray(at, at + PIECE_BYTES);
}

export function sheetRows(format: RowSource["format"], sheet: TabularSheet): RowSource {
  async function* batches(): AsyncGenerator<readonly TabularRow[]> {
    for (let from = 0; from < sheet.rows.length; from += SHEET_BATCH) {
      const batch: TabularRow[] = [];
      for (let i = from; i < Math.min(from + SHEET_BATCH, sheet.rows.length); i++) {
        batch.push({ cells: sheet.rows[i]!, line: sheet.rowNumbers[i] ?? i + 1 });
      }
      yield batch;
    }
  }
  const shared = batches();
  async function* rows(): AsyncGenerator<TabularRow> {
    for await (const batch of shared) yield* batch;
  }
  return { format, headers: sheet.headers, rows: rows(), batches: shared };
}

/** Ends a source not read to its end (a queued import read only its header), so its file stream closes. */
export async function closeRows(source: RowSource): Promise<void> {
  for await (const _ of source.batches) break;
}

/** The sheet an import reads: the one with the most rows (a workbook's notes sheet loses). */
export function bestSheet(sheets: readonly TabularSheet[]): TabularSheet {
  const sheet = [...sheets].sort((a, b) => b.totalRows - a.totalRows)[0];
  if (!sheet) throw new ValidationError([{ field: "file", message: "holds no table" }]);
  return sheet;
}

/**
 * The first `count` rows (at least; whole batches are read) and every batch from the first
 * again, so the source is still read only once.
 */
export async function peekBatches(
  batches: AsyncIterable<readonly TabularRow[]>,
  count: number,
): Promise<{ sample: readonly TabularRow[]; batches: AsyncIterable<readonly TabularRow[]> }> {
  const iterator = batches[Symbol.asyncIterator]();
  const kept: (readonly TabularRow[])[] = [];
  let read = 0;
  let ended = false;
  while (read < count) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    kept.push(next.value);
    read += next.value.length;
  }
  const sample = kept.flat().slice(0, count);
  async function* all(): AsyncGenerator<readonly TabularRow[]> {
    try {
      yield* kept.splice(0);
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
  return { sample, batches: all() };
}

/**
 * The first `count` rows (to judge a column's conventions on, such as its decimal
 * separator) and every row from the first again, so the source is still read only once.
 */
export async function peekRows(
  rows: AsyncIterable<TabularRow>,
  count: number,
): Promise<{ sample: readonly TabularRow[]; rows: AsyncIterable<TabularRow> }> {
  const iterator = rows[Symbol.asyncIterator]();
  const sample: TabularRow[] = [];
  let ended = false;
  while (sample.length < count) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    sample.push(next.value);
  }
  const kept = [...sample];
  async function* all(): AsyncGenerator<TabularRow> {
    try {
      yield* kept.splice(0);
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
  return { sample, rows: all() };
}
