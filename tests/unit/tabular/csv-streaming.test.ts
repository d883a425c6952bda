import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_TABULAR_LIMITS,
  readTabular,
  streamCsv,
  type TabularRow,
} from "../../../shared/foundation/tabular/index.js";

const limits = DEFAULT_TABULAR_LIMITS;

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(rows: AsyncIterable<TabularRow>): Promise<TabularRow[]> {
  const all: TabularRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const withBom = (text: string) =>
  new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));

describe("streaming CSV", () => {
  it("finds what readTabular finds, whatever the chunk boundaries split", async () => {
    const text =
      'Presupuesto 2024\r\n\r\nDepartamento;Período;Monto\r\nAdministración;2024-01;"1.234,50"\r\n\r\nCompañía;2024-02;"nota\r\nlarga"\r\nNiño;2024-03;(5,00)\r';
    const bytes = withBom(text);
    const whole = (await readTabular(bytes, { limits })).sheets[0]!;
    for (const size of [1, 3, 7, 64, 100_000]) {
      const stream = await streamCsv(chunked(bytes, size), { limits });
      assert.equal(stream.encoding, "utf-16le");
      assert.equal(stream.delimiter, ";");
      assert.equal(stream.headerRowIndex, whole.headerRowIndex);
      assert.deepEqual(stream.headers, whole.headers);
      const rows = await collect(stream.rows);
      assert.deepEqual(
        rows.map((r) => r.cells),
        whole.rows,
        `chunks of ${size}`,
      );
      assert.deepEqual(
        rows.map((r) => r.line),
        whole.rowNumbers,
      );
    }
  });

  it("streams a file far larger than the head it decides from", async () => {
    const count = 20_000; // about 420 KB, past the 256 KB head
    async function* lines(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("Budget export\nDepartment,Period,Amount\n");
      for (let i = 0; i < count; i += 1000) {
        let block = "";
        for (let j = i; j < i + 1000; j++) block += `D${j},2024-${String((j % 12) + 1).padStart(2, "0")},${j}.50\n`;
        yield Buffer.from(block);
      }
    }
    const stream = await streamCsv(lines(), { limits });
    let seen = 0;
    let last: TabularRow | undefined;
    for await (const row of stream.rows) {
      seen++;
      last = row;
    }
    assert.equal(seen, count);
    assert.deepEqual(last, { cells: [`D${count - 1}`, "2024-08", `${count - 1}.50`], line: count + 2 });
  });

  it("hands the same rows out in small batches, whatever the chunk size", async () => {
    let text = "Department,Period,Note,Amount\r";
    for (let i = 0; i < 20_000; i++) text += `D${i},2024-01,${i % 500 === 0 ? '"two\r\nlines"' : "n"},${i}.50\r`;
    const bytes = Buffer.from(text);
    const rows = await collect((await streamCsv(chunked(bytes, 64 * 1024), { limits })).rows);
    assert.equal(rows.length, 20_000);
    for (const size of [1_000, 64 * 1024, 1024 * 1024]) {
      const batches: (readonly TabularRow[])[] = [];
      for await (const batch of (await streamCsv(chunked(bytes, size), { limits })).batches) batches.push(batch);
      assert.deepEqual(batches.flat(), rows, `chunks of ${size}`);
      // A batch is a small piece's rows, so a big chunk is never held whole with its rows.
      assert.ok(
        batches.every((b) => b.length > 0 && b.length <= 2_000),
        `chunks of ${size}`,
      );
    }
    assert.deepEqual(rows.at(-1), { cells: ["D19999", "2024-01", "n", "19999.50"], line: 20_000 + 40 + 1 });
  });

  it("refuses what readTabular refuses, and rows past the limit mid-way", async () => {
    await assert.rejects(streamCsv(chunked(new Uint8Array(0), 10), { limits }), { problem: "EMPTY_FILE" });
    await assert.rejects(streamCsv(chunked(Buffer.from("Dept,Amount\n\n"), 4), { limits }), {
      problem: "HEADER_ONLY",
    });
    await assert.rejects(streamCsv(chunked(Buffer.from("1,2\n3,4\n"), 4), { limits }), { problem: "NO_HEADER_ROW" });
    await assert.rejects(streamCsv(chunked(Buffer.from("PK\u0003\u0004rest"), 4), { limits }), {
      problem: "UNSUPPORTED_FORMAT",
    });
    const tooMany = await streamCsv(chunked(Buffer.from("Dept,Amount\n" + "IT,1\n".repeat(6)), 5), {
      limits: { ...limits, maxRows: 5 },
    });
    await assert.rejects(collect(tooMany.rows), { problem: "TOO_MANY_ROWS" });
    const huge = await streamCsv(chunked(Buffer.from("Dept,Amount\n" + "IT,1\n".repeat(200_000)), 64 * 1024), {
      limits: { ...limits, maxBytes: 500_000, maxRows: 1_000_000 },
    });
    await assert.rejects(collect(huge.rows), { problem: "FILE_TOO_LARGE", code: "PAYLOAD_TOO_LARGE" });
    const blankLines = Buffer.from("\n".repeat(2_000) + "Dept,Amount\nIT,1\n");
    const late = await streamCsv(chunked(blankLines, 1024), { limits });
    assert.deepEqual(await collect(late.rows), [{ cells: ["IT", "1"], line: 2_002 }]);
    // A flood of blank lines stops at twice maxRows (plus 1000) records, not at the end.
    const flood = chunked(Buffer.from("Dept,Amount\nIT,1\n" + "\n".repeat(300_000)), 64 * 1024);
    const flooded = streamCsv(flood, { limits: { ...limits, maxRows: 100 } }).then((s) => collect(s.rows));
    await assert.rejects(flooded, { problem: "TOO_MANY_ROWS" });
    const unclosed = Buffer.from("Dept,Amount\n" + "IT,1\n".repeat(100) + 'HR,"2\n');
    const stream = await streamCsv(chunked(unclosed, 5), { limits });
    await assert.rejects(collect(stream.rows), { problem: "CORRUPT_FILE" });
  });

  it("fails the iteration when the source fails mid-way, and closes the source when the reader stops", async () => {
    const sourceState = { closed: false };
    async function* source(failAt: number): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from("Dept,Amount\n");
        for (let i = 0; i < 1000; i++) {
          if (i === failAt) throw new Error("the blob read broke");
          yield Buffer.from(`IT,${"x".repeat(195)}\n`.repeat(50)); // 10 KB, past the 256 KB head by chunk 26
        }
      } finally {
        sourceState.closed = true;
      }
    }
    const big = { limits: { ...limits, maxRows: 1_000_000 } };
    const failing = await streamCsv(source(30), big);
    await assert.rejects(collect(failing.rows), /the blob read broke/);
    sourceState.closed = false;
    const stopped = await streamCsv(source(-1), big);
    let read = 0;
    for await (const row of stopped.rows) {
      assert.equal(row.cells[0], "IT");
      if (++read === 10) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sourceState.closed, true);
  });
});
