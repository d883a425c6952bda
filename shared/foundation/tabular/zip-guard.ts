// Reads a zip archive's central directory before any unzip library sees the file, so a zip
// bomb (too many entries, or entries inflating to gigabytes) is refused up front. exceljs
// (through JSZip) trusts the sizes an archive declares, so each entry is also inflated here
// once with zlib's output capped at its declared size: an entry that lies is caught.
import { inflateRawSync } from "node:zlib";
import { TabularError } from "./tabular-error.js";
import type { TabularLimits } from "./types.js";

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

const corrupt = (what: string) =>
  new TabularError("CORRUPT_FILE", `The file looks like a zip archive but is damaged: ${what}.`);

/** The archive's entries, after checking their count and declared inflated size against the limits. */
export function listZipEntries(bytes: Uint8Array, limits: TabularLimits): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) throw corrupt("no zip64 directory");
    const record = safeNumber(view.getBigUint64(locator + 8, true));
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD)
      throw corrupt("no zip64 directory");
    count = safeNumber(view.getBigUint64(record + 32, true));
    offset = safeNumber(view.getBigUint64(record + 48, true));
  }
  if (count > limits.maxZipEntries) {
    throw new TabularError(
      "ZIP_BOMB",
      `The workbook holds ${count} files; at most ${limits.maxZipEntries} are allowed.`,
      {
        limit: limits.maxZipEntries,
      },
    );
  }
  const entries: ZipEntry[] = [];
  let declared = 0;
  for (let i = 0, at = offset; i < count; i++) {
    if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL_ENTRY)
      throw corrupt("its directory is cut short");
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength > view.byteLength) throw corrupt("its directory is cut short");
    if (flags & 1)
      throw new TabularError(
        "UNSUPPORTED_FORMAT",
        "The workbook is encrypted; remove the password and upload it again.",
      );
    const sizes = {
      uncompressedSize: view.getUint32(at + 24, true),
      compressedSize: view.getUint32(at + 20, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    readZip64Sizes(view, at + 46 + nameLength, extraLength, sizes);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      ...sizes,
    };
    declared += entry.uncompressedSize;
    if (declared > limits.maxInflatedBytes) throw inflatesTooMuch(limits);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflates every entry with output capped at its declared size, and discards the result. */
export function verifyInflatedSizes(bytes: Uint8Array, entries: readonly ZipEntry[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const entry of entries) {
    const at = entry.localHeaderOffset;
    if (at + 30 > view.byteLength || view.getUint32(at, true) !== LOCAL_HEADER)
      throw corrupt(`'${entry.name}' is missing`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > view.byteLength) throw corrupt(`'${entry.name}' is cut short`);
    const data = bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw corrupt(`'${entry.name}' has inconsistent sizes`);
      continue;
    }
    if (entry.method !== 8) throw corrupt(`'${entry.name}' uses an unknown compression method`);
    try {
      inflateRawSync(data, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        throw new TabularError(
          "ZIP_BOMB",
          `The workbook part '${entry.name}' inflates to more than the ${entry.uncompressedSize} bytes it declares.`,
        );
      }
      throw corrupt(`'${entry.name}' cannot be inflated`);
    }
  }
}

const inflatesTooMuch = (limits: TabularLimits) =>
  new TabularError("ZIP_BOMB", `The workbook inflates to more than ${limits.maxInflatedBytes} bytes.`, {
    limit: limits.maxInflatedBytes,
  });

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65535, at the very end of the file.
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw corrupt("its directory is missing");
}

/** The zip64 extra field (id 1) holds, in this order, each size or offset saved as 0xFFFFFFFF. */
function readZip64Sizes(
  view: DataView,
  start: number,
  length: number,
  sizes: { uncompressedSize: number; compressedSize: number; localHeaderOffset: number },
): void {
  const fields = (["uncompressedSize", "compressedSize", "localHeaderOffset"] as const).filter(
    (f) => sizes[f] === 0xffffffff,
  );
  if (fields.length === 0) return;
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 1) {
      fields.forEach((field, i) => {
        if (8 * (i + 1) > size) throw corrupt("a zip64 size is missing");
        sizes[field] = safeNumber(view.getBigUint64(at + 4 + 8 * i, true));
      });
      return;
    }
    at += 4 + size;
  }
  throw corrupt("a zip64 size is missing");
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt("a size is out of range");
  return Number(value);
}
