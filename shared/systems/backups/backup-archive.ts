/**
 * The download of a sectioned backup: a POSIX (ustar) tar of the manifest and its parts,
 * as stored, which `tar -xf` unpacks anywhere. Parts are gzip already, so the tar is not
 * compressed again. Only the headers are made here; the bytes stream from Blob storage.
 */

const BLOCK = 512;

function writeText(block: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > length) throw new Error(`tar: '${text}' does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeText(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** One file's 512-byte header. */
export function tarHeader(name: string, size: number, modified: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (size < 8 ** 11) writeOctal(block, 124, 12, size);
  else {
    // GNU base-256 for 8 GiB and more: a set top bit, then the size big-endian.
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 128);
  }
  writeOctal(block, 136, 12, Math.floor(modified.getTime() / 1000));
  block.fill(0x20, 148, 156); // the checksum counts itself as spaces
  block[156] = 0x30; // '0': a regular file
  writeText(block, 257, 6, "ustar\0");
  writeText(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeText(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** Zero bytes that bring a file of `size` bytes to a whole block. */
export const tarPadding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The two zero blocks that end an archive. */
export const tarEnd = () => Buffer.alloc(2 * BLOCK);

export interface TarEntry {
  readonly name: string;
  readonly size: number;
  /** Where the file's bytes start in the archive. */
  readonly offset: number;
}

/**
 * Reads one header block: the entry it announces (its bytes follow it), or undefined at the
 * archive's end (a zero block). Refuses a block whose checksum does not add up.
 */
export function parseTarHeader(block: Buffer, at: number): { entry: TarEntry; next: number } | undefined {
  if (block.length < BLOCK || block.every((b) => b === 0)) return undefined;
  const text = (offset: number, length: number) => {
    const raw = block.subarray(offset, offset + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? length : end).toString("utf8");
  };
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (Number.parseInt(text(148, 8).trim(), 8) !== sum) throw new Error(`tar: a damaged header at byte ${at}`);
  const size =
    (block[124]! & 0x80) !== 0 ? Number(block.readBigUInt64BE(128)) : Number.parseInt(text(124, 12).trim() || "0", 8);
  const prefix = text(257, 6) === "ustar" ? text(345, 155) : "";
  const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
  const offset = at + BLOCK;
  return { entry: { name, size, offset }, next: offset + size + ((BLOCK - (size % BLOCK)) % BLOCK) };
}
