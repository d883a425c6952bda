import assert from "node:assert/strict";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import { DEFAULT_TABULAR_LIMITS, readTabular, TabularError } from "../../../shared/foundation/tabular/index.js";
import { buildZip, WORKBOOK_PARTS } from "./zip-builder.js";

const limits = DEFAULT_TABULAR_LIMITS;

async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A customer's budget workbook: title rows, a merged two-row header, formulas, a second sheet. */
const budgetWorkbook = () =>
  workbookBytes((workbook) => {
    const budget = workbook.addWorksheet("Budget 2017");
    budget.getCell("A1").value = "Budget 2017 – ACME Corp";
    budget.mergeCells("A1:D1");
    budget.getCell("A2").value = "Confidential";
    budget.getCell("A4").value = "Department";
    budget.mergeCells("A4:A5");
    budget.getCell("B4").value = "FY2017";
    budget.mergeCells("B4:C4");
    budget.getCell("D4").value = "Currency";
    budget.mergeCells("D4:D5");
    budget.getCell("B5").value = "Budget";
    budget.getCell("C5").value = "Actual";
    budget.getRow(6).values = ["IT", 1234.5, 0.1 + 0.2, "EUR"];
    budget.getRow(7).values = ["HR", -500, { formula: "B7*2", result: -1000 }, "EUR"];
    budget.getRow(9).values = [
      "Sales",
      { formula: "B6+B7" },
      new Date(Date.UTC(2017, 0, 31)),
      { richText: [{ text: "US" }, { text: "D" }] },
    ];
    const people = workbook.addWorksheet("Headcount");
    people.addRow(["Cost centre", "Period", "FTE"]);
    people.addRow(["CC-100", "2017-01", 12]);
    workbook.addWorksheet("Notes");
    const lists = workbook.addWorksheet("Lists");
    lists.state = "hidden";
    lists.addRow(["Department"]);
  });

async function rejects(bytes: Uint8Array, problem: string, message: RegExp, small = limits) {
  await assert.rejects(readTabular(bytes, { limits: small }), (error: unknown) => {
    assert.ok(error instanceof TabularError, `expected a TabularError, got ${String(error)}`);
    assert.equal(error.problem, problem);
    assert.match(error.message, message);
    return true;
  });
}

describe("reading xlsx", () => {
  it("finds the header under a merged title and joins a merged two-row header", async () => {
    const file = await readTabular(await budgetWorkbook(), { limits, fileName: "budget.csv" });
    assert.equal(file.format, "xlsx");
    assert.equal(file.encoding, null);
    assert.equal(file.delimiter, null);
    const budget = file.sheets[0]!;
    assert.equal(budget.name, "Budget 2017");
    assert.equal(budget.headerRowIndex, 3);
    assert.deepEqual(budget.headers, ["Department", "FY2017 Budget", "FY2017 Actual", "Currency"]);
    assert.deepEqual(budget.rowNumbers, [6, 7, 9]);
    assert.equal(budget.totalRows, 3);
  });

  it("shows numbers as Excel does, takes saved formula results and never evaluates a formula", async () => {
    const file = await readTabular(await budgetWorkbook(), { limits });
    assert.deepEqual(file.sheets[0]!.rows, [
      ["IT", "1234.5", "0.3", "EUR"],
      ["HR", "-500", "-1000", "EUR"],
      ["Sales", "", "2017-01-31", "USD"],
    ]);
    assert.match(file.warnings.join("\n"), /1 formula cell\(s\) in "Budget 2017" have no saved result/);
  });

  it("reads every visible sheet that holds a table and says what it skipped", async () => {
    const file = await readTabular(await budgetWorkbook(), { limits });
    assert.deepEqual(
      file.sheets.map((s) => s.name),
      ["Budget 2017", "Headcount"],
    );
    assert.deepEqual(file.sheets[1]!.headers, ["Cost centre", "Period", "FTE"]);
    assert.deepEqual(file.sheets[1]!.rows, [["CC-100", "2017-01", "12"]]);
    const warnings = file.warnings.join("\n");
    assert.match(warnings, /sheet "Notes" is empty/);
    assert.match(warnings, /hidden sheet "Lists" was not read/);
  });

  it("refuses a workbook without data the way it refuses such a CSV", async () => {
    const headerOnly = await workbookBytes((w) => w.addWorksheet("A").addRow(["Department", "Amount"]));
    await rejects(headerOnly, "HEADER_ONLY", /header row \(row 1\) but no data rows/);
    const empty = await workbookBytes((w) => w.addWorksheet("A"));
    await rejects(empty, "EMPTY_FILE", /empty/);
  });

  it("refuses a sheet past the row and column limits", async () => {
    const wide = await workbookBytes((w) => {
      const sheet = w.addWorksheet("A");
      sheet.addRow(Array.from({ length: 12 }, (_, i) => `H${i}`));
      sheet.addRow(Array.from({ length: 12 }, (_, i) => i));
    });
    await rejects(wide, "TOO_MANY_COLUMNS", /more than 10 columns/, { ...limits, maxColumns: 10 });
    await rejects(wide, "TOO_MANY_ROWS", /more than 0 data rows/, { ...limits, maxRows: 0 });
  });
});

describe("refusing archives that are not workbooks or would blow up", () => {
  it("refuses an archive with more entries than allowed before unzipping anything", async () => {
    const many = buildZip([
      ...WORKBOOK_PARTS,
      ...Array.from({ length: 2000 }, (_, i) => ({
        name: `xl/e${i}.xml`,
        content: new Uint8Array(1),
        method: 0 as const,
      })),
    ]);
    await rejects(many, "ZIP_BOMB", /holds 2002 files; at most 1000/);
  });

  it("refuses an archive that declares a huge inflated size", async () => {
    const huge = buildZip([
      ...WORKBOOK_PARTS,
      { name: "xl/worksheets/sheet1.xml", content: new Uint8Array(10), declaredSize: 0xfffffffe },
    ]);
    await rejects(huge, "ZIP_BOMB", /inflates to more than/);
  });

  it("catches an entry that inflates to more than it declares", async () => {
    const lying = buildZip([
      ...WORKBOOK_PARTS,
      { name: "xl/worksheets/sheet1.xml", content: new Uint8Array(20 * 1024 * 1024), declaredSize: 1000 },
    ]);
    assert.ok(lying.length < 100_000, "the bomb itself is small");
    await rejects(lying, "ZIP_BOMB", /'xl\/worksheets\/sheet1.xml' inflates to more than the 1000 bytes it declares/);
  });

  it("names other archives and broken workbooks", async () => {
    await rejects(
      buildZip([{ name: "readme.txt", content: Buffer.from("hello") }]),
      "NOT_TABULAR",
      /zip archive, not an Excel/,
    );
    const ods = buildZip([
      { name: "mimetype", content: Buffer.from("application/vnd.oasis.opendocument.spreadsheet"), method: 0 },
      { name: "content.xml", content: Buffer.from("<x/>") },
    ]);
    await rejects(ods, "UNSUPPORTED_FORMAT", /OpenDocument/);
    const brokenXml = buildZip([WORKBOOK_PARTS[0]!, { name: "xl/workbook.xml", content: Buffer.from("<workbook") }]);
    await rejects(brokenXml, "CORRUPT_FILE", /could not be read/);
    const good = await budgetWorkbook();
    await rejects(good.subarray(0, good.length - 30), "CORRUPT_FILE", /damaged/);
  });
});
