import { once } from "node:events";
import { createWriteStream } from "node:fs";

/** Writes a generated CSV (`header`, then `line(i)` for i < rows) in 64 KB pieces, honouring back-pressure. */
export async function writeGeneratedCsv(
  file: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}
