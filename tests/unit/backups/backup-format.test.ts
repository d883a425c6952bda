import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CsvReader,
  CsvRecordCounter,
  exactField,
  exactRecord,
  type CsvRecord,
} from "../../../shared/systems/backups/backup-csv.js";
import { parseTarHeader, tarEnd, tarHeader, tarPadding } from "../../../shared/systems/backups/backup-archive.js";
import { SECTIONS } from "../../../shared/systems/backups/backup-sections.js";

const RECORDS: CsvRecord[] = [
  ["plain", null, "", "0", "-12"],
  ['quote "inside"', "comma, here", "line\nbreak", "crlf\r\nbreak", "=1+1"],
  ["", "", null, null, "€ 日本 ✓"],
  ['""', '"', ",", "\n", "end"],
];
const TEXT = RECORDS.map((r) => exactRecord(r)).join("");

/** The text fed in pieces of `size` characters, every record back. */
function readInPieces(text: string, size: number): CsvRecord[] {
  const reader = new CsvReader();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  out.push(...reader.end());
  return out;
}

describe("a backup part's CSV", () => {
  it("writes restorable fields exactly: NULL is empty, empty text is quoted, nothing is stripped or prefixed", () => {
    assert.equal(exactField(null), "");
    assert.equal(exactField(""), '""');
    assert.equal(exactField("=1+1"), "=1+1", "no formula apostrophe: a restore must get the value back");
    assert.equal(exactField("-12"), "-12");
    assert.equal(exactField(42), "42");
    assert.equal(exactField('a "b", c'), '"a ""b"", c"');
    assert.equal(exactField("x\u0001y"), "x\u0001y", "stored characters are kept");
    assert.equal(exactRecord(["a", null, "", 7]), 'a,,"",7\n');
  });

  it("reads back every record written, whatever the pieces the text arrives in", () => {
    for (const size of [1, 2, 3, 5, 7, 64, TEXT.length])
      assert.deepEqual(readInPieces(TEXT, size), RECORDS, `by ${size}`);
  });

  it("reads CRLF line breaks and a last record without one", () => {
    assert.deepEqual(readInPieces('a,b\r\n"c",\r\nd,"e"', 2), [
      ["a", "b"],
      ["c", null],
      ["d", "e"],
    ]);
  });

  it("refuses malformed text", () => {
    assert.throws(() => readInPieces('a,"b"c\n', 100), /Malformed CSV in record 1: unexpected "c"/);
    assert.throws(() => readInPieces('a,"b\n', 100), /a quoted field is not closed/);
  });

  it("counts records (line breaks in quotes are not records) and keeps the header, in any pieces", () => {
    const text = `h1,h2,h3,h4,h5\n${TEXT}`;
    for (const size of [1, 2, 3, 11, text.length]) {
      const counter = new CsvRecordCounter();
      for (let i = 0; i < text.length; i += size) counter.push(text.slice(i, i + size));
      assert.equal(counter.records, RECORDS.length, `by ${size}`);
      assert.equal(counter.header, "h1,h2,h3,h4,h5");
    }
    const unterminated = new CsvRecordCounter();
    unterminated.push('h\n"a"\nb,"c\nd"');
    assert.equal(unterminated.records, 2, "a last record without its line break counts");
    const empty = new CsvRecordCounter();
    empty.push("h1,h2\n");
    assert.equal(empty.records, 0);
  });
});

describe("the download's tar", () => {
  it("writes headers tar reads back: name, size, where the bytes lie, the next header", () => {
    const content = Buffer.from("hello, tar\n");
    const archive = Buffer.concat([
      tarHeader("backup-x/manifest.json", content.length, new Date("2026-12-01T00:00:00Z")),
      content,
      tarPadding(content.length),
      tarHeader("backup-x/empty.csv.gz", 0, new Date("2026-12-01T00:00:00Z")),
      tarEnd(),
    ]);
    assert.equal(archive.length % 512, 0);
    const first = parseTarHeader(archive.subarray(0, 512), 0)!;
    assert.deepEqual(first.entry, { name: "backup-x/manifest.json", size: content.length, offset: 512 });
    assert.equal(archive.subarray(512, 512 + content.length).toString(), "hello, tar\n");
    const second = parseTarHeader(archive.subarray(first.next, first.next + 512), first.next)!;
    assert.deepEqual(second.entry, { name: "backup-x/empty.csv.gz", size: 0, offset: 1536 });
    assert.equal(parseTarHeader(archive.subarray(second.next, second.next + 512), second.next), undefined);
  });

  it("writes sizes of 8 GiB and more in base-256, and refuses a damaged header", () => {
    const big = tarHeader("big", 9 * 2 ** 30, new Date(0));
    assert.equal(parseTarHeader(big, 0)!.entry.size, 9 * 2 ** 30);
    const damaged = Buffer.from(big);
    damaged[0] = damaged[0]! ^ 1;
    assert.throws(() => parseTarHeader(damaged, 0), /damaged header at byte 0/);
  });
});

describe("what a backup holds, documented", () => {
  it("names every section and every column in docs/systems/backups.md", () => {
    const page = readFileSync(fileURLToPath(new URL("../../../../docs/systems/backups.md", import.meta.url)), "utf8");
    for (const section of SECTIONS) {
      const start = page.indexOf(`### \`${section.name}\``);
      assert.ok(start >= 0, `a heading for ${section.name}`);
      const end = page.indexOf("\n### ", start + 1);
      const text = page.slice(start, end < 0 ? undefined : end);
      for (const column of section.columns)
        assert.ok(text.includes(`| \`${column.name}\` | ${column.type} |`), `${section.name}.${column.name}`);
    }
  });
});
