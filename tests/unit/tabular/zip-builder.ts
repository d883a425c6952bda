// Builds zip archives byte by byte, so tests can make archives no zip library would write:
// thousands of entries, sizes that lie, a declared size of 4 GB.
import { deflateRawSync } from "node:zlib";

export interface TestEntry {
  readonly name: string;
  readonly content: Uint8Array;
  /** Store (0) or deflate (8); deflate by default. */
  readonly method?: 0 | 8;
  /** The uncompressed size written in the directory, when it should lie. */
  readonly declaredSize?: number;
}

export function buildZip(entries: readonly TestEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const method = entry.method ?? 8;
    const data = method === 8 ? deflateRawSync(entry.content) : Buffer.from(entry.content);
    const size = entry.declaredSize ?? entry.content.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** The two names that make an archive look like a workbook. */
export const WORKBOOK_PARTS: readonly TestEntry[] = [
  { name: "[Content_Types].xml", content: Buffer.from("<Types/>") },
  { name: "xl/workbook.xml", content: Buffer.from("<workbook/>") },
];
