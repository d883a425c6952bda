// What an import learns of an uploaded file before queuing it, without holding or parsing it
// whole: one raw pass (hash, first bytes, line count), then only the first rows parsed.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { streamCsv } from "./csv-stream.js";
import type { TabularLimits, TabularSheet } from "./types.js";

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface FileScan {
  readonly sha256: string;
  /** The first bytes, to sniff the format. */
  readonly head: Buffer;
  /** Line feeds, or carriage returns in a file without any; an unterminated last line counts. */
  readonly lines: number;
}

/** One raw pass over the file. */
export async function scanFile(stream: Readable): Promise<FileScan> {
  const hash = createHash("sha256");
  let head: Buffer | undefined;
  let feeds = 0;
  let returns = 0;
  let last = -1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    head ??= chunk.subarray(0, 8);
    feeds += countByte(chunk, 0x0a);
    if (feeds === 0) returns += countByte(chunk, 0x0d);
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  const breaks = feeds > 0 ? feeds : returns;
  const unterminated = last !== -1 && last !== 0x0a && last !== 0x0d ? 1 : 0;
  return { sha256: hash.digest("hex"), head: head ?? Buffer.alloc(0), lines: breaks + unterminated };
}

function countByte(chunk: Buffer, byte: number): number {
  let n = 0;
  for (let at = chunk.indexOf(byte); at !== -1; at = chunk.indexOf(byte, at + 1)) n++;
  return n;
}

/**
 * A CSV's header and first `sampleRows` rows, parsed from a fresh stream that is dropped
 * once they are read. Past the sample every further line of the scan is taken for a row
 * (a quoted line break counts twice): an estimate for progress; the import counts exactly.
 */
export async function sampleCsv(
  open: () => Readable,
  scan: FileScan,
  limits: TabularLimits,
  sampleRows: number,
): Promise<TabularSheet> {
  const stream = open();
  try {
    const csv = await streamCsv(stream, { limits });
    const rows: string[][] = [];
    const rowNumbers: number[] = [];
    let more = false;
    for await (const row of csv.rows) {
      if (rows.length === sampleRows) {
        more = true;
        break;
      }
      rows.push(row.cells);
      rowNumbers.push(row.line);
    }
    const lastLine = rowNumbers.at(-1) ?? 0;
    const totalRows = more ? rows.length + Math.max(0, scan.lines - lastLine) : rows.length;
    return { name: null, headerRowIndex: csv.headerRowIndex, headers: csv.headers, rows, rowNumbers, totalRows };
  } finally {
    stream.destroy();
  }
}
