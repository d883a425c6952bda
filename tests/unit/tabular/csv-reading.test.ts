import assert from "node:assert/strict";
import { describe, it } from "node:test";
import iconv from "iconv-lite";
import {
  DEFAULT_TABULAR_LIMITS,
  readTabular,
  TabularError,
  type TabularFile,
} from "../../../shared/foundation/tabular/index.js";

const limits = DEFAULT_TABULAR_LIMITS;
const read = (bytes: Uint8Array, fileName?: string) => readTabular(bytes, { limits, fileName });
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const only = (file: TabularFile) => {
  assert.equal(file.sheets.length, 1);
  return file.sheets[0]!;
};

const SPANISH = [
  "Presupuesto 2024 – ACME Corp",
  "",
  "Departamento;Subcategoría;Período;Monto aprobado;Moneda",
  "Administración;Teléfono;2024-01;1.234,50;EUR",
  "Compañía;Niño;2024-02;(500,00);EUR",
].join("\r\n");

const SPANISH_ROWS = [
  ["Administración", "Teléfono", "2024-01", "1.234,50", "EUR"],
  ["Compañía", "Niño", "2024-02", "(500,00)", "EUR"],
];

function utf16(text: string, endian: "le" | "be", bom: boolean): Uint8Array {
  const le = Buffer.from(text, "utf16le");
  const bytes = endian === "le" ? le : Buffer.from(le).swap16();
  const mark = endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff];
  return new Uint8Array(bom ? Buffer.concat([Buffer.from(mark), bytes]) : bytes);
}

async function rejects(bytes: Uint8Array, problem: string, message: RegExp) {
  await assert.rejects(read(bytes), (error: unknown) => {
    assert.ok(error instanceof TabularError, `expected a TabularError, got ${String(error)}`);
    assert.equal(error.problem, problem);
    assert.match(error.message, message);
    return true;
  });
}

describe("reading CSV", () => {
  it("reads the same Spanish budget in every encoding, accents intact", async () => {
    const encodings: [string, Uint8Array, string][] = [
      ["utf-8", utf8(SPANISH), "utf-8"],
      [
        "utf-8 with BOM",
        new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SPANISH)])),
        "utf-8",
      ],
      ["utf-16le with BOM", utf16(SPANISH, "le", true), "utf-16le"],
      ["utf-16be with BOM", utf16(SPANISH, "be", true), "utf-16be"],
      ["utf-16le without BOM", utf16(SPANISH, "le", false), "utf-16le"],
      ["latin-1", new Uint8Array(Buffer.from(SPANISH, "latin1")), "windows-1252"],
      ["windows-1252", new Uint8Array(iconv.encode(SPANISH, "windows-1252")), "windows-1252"],
    ];
    for (const [label, bytes, encoding] of encodings) {
      const file = await read(bytes);
      assert.equal(file.format, "csv", label);
      assert.equal(file.encoding, encoding, label);
      assert.equal(file.delimiter, ";", label);
      const sheet = only(file);
      assert.deepEqual(sheet.headers, ["Departamento", "Subcategoría", "Período", "Monto aprobado", "Moneda"], label);
      assert.deepEqual(sheet.rows, SPANISH_ROWS, label);
      assert.equal(sheet.headerRowIndex, 2, label);
      assert.deepEqual(sheet.rowNumbers, [4, 5], label);
      assert.equal(sheet.totalRows, 2, label);
    }
  });

  it("says when it had to guess a legacy encoding", async () => {
    const file = await read(new Uint8Array(iconv.encode("Département,Budget\nFinancé,1 234 €\n", "windows-1252")));
    assert.deepEqual(only(file).rows, [["Financé", "1 234 €"]]);
    assert.match(file.warnings.join(" "), /not UTF-8; it was read as windows-1252/);
  });

  it("reads CRLF, LF and CR-only line endings alike", async () => {
    for (const eol of ["\r\n", "\n", "\r"]) {
      const sheet = only(await read(utf8(["Dept,Amount", "IT,100", "", "HR,200"].join(eol))));
      assert.deepEqual(sheet.rows, [
        ["IT", "100"],
        ["HR", "200"],
      ]);
      assert.deepEqual(sheet.rowNumbers, [2, 4], JSON.stringify(eol));
    }
  });

  it("detects the comma, semicolon, tab and pipe delimiters", async () => {
    for (const delimiter of [",", ";", "\t", "|"]) {
      const text = [
        ["Department", "Period", "Amount"],
        ["IT", "2024-01", "100"],
        ["HR", "2024-02", "250"],
      ]
        .map((r) => r.join(delimiter))
        .join("\n");
      const file = await read(utf8(text));
      assert.equal(file.delimiter, delimiter);
      assert.deepEqual(only(file).rows[1], ["HR", "2024-02", "250"]);
    }
  });

  it("is not fooled by decimal commas in a semicolon file or delimiters inside quotes", async () => {
    const semicolons = await read(utf8("Dept;Amount\nIT;1234,50\nHR;99,10\n"));
    assert.equal(semicolons.delimiter, ";");
    assert.deepEqual(only(semicolons).rows, [
      ["IT", "1234,50"],
      ["HR", "99,10"],
    ]);
    const quoted = await read(
      utf8('Dept,Note,Amount\n"IT; Ops","a ""quoted"" note\nover two lines","1,234.50"\nHR,x,"(12.00)"\n'),
    );
    assert.equal(quoted.delimiter, ",");
    const sheet = only(quoted);
    assert.deepEqual(sheet.rows[0], ["IT; Ops", 'a "quoted" note\nover two lines', "1,234.50"]);
    assert.deepEqual(sheet.rowNumbers, [2, 4]);
  });

  it("skips title and blank rows above the header and says which row it is", async () => {
    const text =
      'Budget 2024 - ACME Corp\nPrepared by: FP&A\n\n\nDepartment,Sub-category,Period,Budget,Currency\nIT,Laptops,2024-Q1,"1,000.00",EUR\n';
    const sheet = only(await read(utf8(text)));
    assert.equal(sheet.headerRowIndex, 4);
    assert.deepEqual(sheet.headers, ["Department", "Sub-category", "Period", "Budget", "Currency"]);
    assert.deepEqual(sheet.rows, [["IT", "Laptops", "2024-Q1", "1,000.00", "EUR"]]);
    assert.deepEqual(sheet.rowNumbers, [6]);
  });

  it("skips key-value rows above the header and takes years as headers", async () => {
    const text =
      "Company,ACME Corp\nScenario,Budget\n\nDepartment,Cost centre,2023,2024\nIT,CC-1,100,110\nHR,CC-2,50,55\n";
    const sheet = only(await read(utf8(text)));
    assert.equal(sheet.headerRowIndex, 3);
    assert.deepEqual(sheet.headers, ["Department", "Cost centre", "2023", "2024"]);
    assert.deepEqual(sheet.rows[1], ["HR", "CC-2", "50", "55"]);
  });

  it("joins a two-row header, carrying a group label over the columns it spans", async () => {
    const text = "Department,FY2017,,FY2018,\n,Budget,Actual,Budget,Actual\nIT,100,90,120,\nHR,50,55,60,61\n";
    const sheet = only(await read(utf8(text)));
    assert.deepEqual(sheet.headers, ["Department", "FY2017 Budget", "FY2017 Actual", "FY2018 Budget", "FY2018 Actual"]);
    assert.equal(sheet.headerRowIndex, 0);
    assert.deepEqual(sheet.rows[0], ["IT", "100", "90", "120", ""]);
    assert.deepEqual(sheet.rowNumbers, [3, 4]);
  });

  it("does not take a first data row of text for a second header row", async () => {
    const sheet = only(
      await read(utf8("Department,Category,Period,Amount\nIT,Hardware,2024-01,\nHR,Training,2024-02,500\n")),
    );
    assert.deepEqual(sheet.headers, ["Department", "Category", "Period", "Amount"]);
    assert.deepEqual(sheet.rows[0], ["IT", "Hardware", "2024-01", ""]);
  });

  it("names blank and repeated headers so every column can be mapped", async () => {
    const file = await read(utf8("Dept,,Amount,Amount\nIT,x,1,2\n"));
    assert.deepEqual(only(file).headers, ["Dept", "Column 2", "Amount", "Amount (2)"]);
    assert.equal(file.warnings.length, 2);
  });

  it("decides by content, not by the file name", async () => {
    const file = await read(utf8("Dept,Amount\nIT,1\n"), "budget.xlsx");
    assert.equal(file.format, "csv");
    assert.match(file.warnings.join(" "), /holds text, not a workbook/);
  });

  it("refuses empty, blank, header-only and header-less files with a clear message", async () => {
    await rejects(new Uint8Array(0), "EMPTY_FILE", /empty/);
    // A DomainError the HTTP layer answers with 400, naming the upload field.
    await assert.rejects(read(new Uint8Array(0)), {
      code: "VALIDATION_ERROR",
      details: { problem: "EMPTY_FILE", field: "file" },
    });
    await rejects(utf8("\r\n \r\n"), "EMPTY_FILE", /no text/);
    await rejects(new Uint8Array([0xef, 0xbb, 0xbf]), "EMPTY_FILE", /no text/);
    await rejects(
      utf8("Title\n\nDepartment;Period;Amount\n\n"),
      "HEADER_ONLY",
      /header row \(line 3\) but no data rows/,
    );
    await rejects(utf8("1,2,3\n4,5,6\n"), "NO_HEADER_ROW", /No header row/);
  });

  it("refuses binary junk, a PDF, HTML and a legacy .xls", async () => {
    let seed = 7;
    const junk = new Uint8Array(4096).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    await rejects(junk, "NOT_TABULAR", /binary data/);
    await rejects(utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), "NOT_TABULAR", /PDF/);
    await rejects(utf8("<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>"), "NOT_TABULAR", /HTML/);
    await rejects(
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      "UNSUPPORTED_FORMAT",
      /97-2003/,
    );
    await rejects(utf8('Dept,Amount\nIT,"100\n'), "CORRUPT_FILE", /never closed/);
  });

  it("refuses files past the limits as too large (413)", async () => {
    const small = { ...limits, maxRows: 3, maxColumns: 4, maxCellChars: 10, maxBytes: 200 };
    const readSmall = (text: string) => readTabular(utf8(text), { limits: small });
    const body = "A,B\n" + "x,1\n".repeat(4);
    await assert.rejects(readSmall(body), { problem: "TOO_MANY_ROWS", code: "PAYLOAD_TOO_LARGE" });
    await assert.doesNotReject(readSmall("A,B\n" + "x,1\n".repeat(3)));
    await assert.rejects(readSmall("A,B,C,D,E\n1,2,3,4,5\n"), { problem: "TOO_MANY_COLUMNS" });
    // Lines are counted before parsing: a flood of blank lines is refused up front.
    await assert.rejects(
      readTabular(utf8("A,B\nx,1\n" + "\n".repeat(500_000)), { limits: { ...limits, maxRows: 10 } }),
      {
        problem: "TOO_MANY_ROWS",
      },
    );
    await assert.rejects(readSmall("A,B\nx,12345678901\n"), { problem: "CELL_TOO_LONG", message: /on line 2 / });
    await assert.rejects(readSmall(`A,B\nx,1\n\ny,"${"z".repeat(100)}"\n`), {
      problem: "CELL_TOO_LONG",
      message: /^Line 4 holds a record that is too long/,
    });
    await assert.rejects(readSmall("A,B\n" + "x,1\n".repeat(60)), { problem: "FILE_TOO_LARGE" });
  });
});
