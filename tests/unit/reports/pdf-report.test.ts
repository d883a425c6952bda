import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { before, describe, it } from "node:test";
import { pdfText, writePdfReport, type PdfReport } from "../../../shared/systems/reports/pdf-report.js";

const FORMULA = "=cmd|' /C calc'!A0";
const MARKUP = "{ text: 'x' }";
const SPECIALS = "<b>&amp;</b> (paren) \\back 100% #1 $2";

const ledgerId = (n: number) => `LEDGER-${String(n).padStart(5, "0")}`;

const report: PdfReport = {
  title: "Financial summary",
  requestedBy: "alice.finance",
  generatedAt: "2024-05-01T12:00:00.000Z",
  scope: ["Period 2024-01-01 to 2024-03-31: applied to every billing entry (by billing date) and every total."],
  summary: [
    { label: "Total invoiced", value: "1,234,567.89 EUR" },
    { label: "Open items", value: "42" },
  ],
  maxRowsPerTable: 2000,
  tables: [
    {
      title: "Ledger entries",
      columns: [
        { key: "id", header: "Entry" },
        { key: "text", header: "Description" },
        { key: "amount", header: "Amount", align: "right" },
      ],
      rows: Array.from({ length: 2500 }, (_, i) => ({
        id: ledgerId(i + 1),
        text: i === 2 ? FORMULA : i === 3 ? MARKUP : i === 4 ? SPECIALS : `Posting ${i + 1}`,
        amount: i === 5 ? null : ((i + 1) * 10.25).toFixed(2),
      })),
    },
    {
      title: "Cost centres",
      columns: ["a", "b", "c", "d", "e", "f", "g"].map((key) => ({ key, header: `Col ${key.toUpperCase()}` })),
      rows: [
        { a: "CC-100", b: "Sales", c: "Łódź office", d: "1.00", e: "2.00", f: "3.00", g: "4.00" },
        { a: "CC-200", b: null, c: "Résumé e\u0301", d: "5.00", e: "6.00", f: "7.00", g: "8.00" },
      ],
    },
  ],
};

/** Renders through a plain Writable, as a blob upload or HTTP response would receive it. */
async function render(input: PdfReport): Promise<{ buf: Buffer; pages: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const { pages } = await writePdfReport(input, sink);
  return { buf: Buffer.concat(chunks), pages };
}

interface ParsedPage {
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

async function parse(buf: Buffer) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // verbosity 0 = errors only: the standard fonts are not embedded, and pdfjs would warn it
  // cannot fetch their data files; text extraction does not need them.
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(buf),
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const pages: ParsedPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    // pdfjs returns words and gaps as separate items; hasEOL marks the end of a line.
    const text = content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join("");
    const { width, height } = page.getViewport({ scale: 1 });
    pages.push({ text, width, height });
  }
  const info: Record<string, unknown> = Object.fromEntries(Object.entries((await doc.getMetadata()).info));
  const numPages = doc.numPages;
  await doc.destroy();
  return { numPages, pages, info };
}

describe("PDF report", () => {
  let buf: Buffer;
  let returnedPages: number;
  let parsed: Awaited<ReturnType<typeof parse>>;
  const pageWith = (needle: string) => parsed.pages.findIndex((page) => page.text.includes(needle));
  const lines = () => parsed.pages.flatMap((page) => page.text.split("\n"));

  before(async () => {
    // Before anything renders: importing the module must not have loaded pdfmake.
    const cache = createRequire(import.meta.url).cache;
    const pdfmakeLoaded = () => Object.keys(cache).some((path) => path.includes("/node_modules/pdfmake/"));
    assert.equal(pdfmakeLoaded(), false, "pdfmake loaded at import");
    ({ buf, pages: returnedPages } = await render(report));
    assert.equal(pdfmakeLoaded(), true, "the probe above sees a loaded pdfmake");
    parsed = await parse(buf);
  });

  it("is a PDF whose page count matches what writePdfReport returned", () => {
    assert.equal(buf.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.ok(returnedPages > 2);
    assert.equal(returnedPages, parsed.numPages);
  });

  it("carries title, author and creator metadata", () => {
    assert.equal(parsed.info.Title, "Financial summary");
    assert.equal(parsed.info.Author, "alice.finance");
    assert.equal(parsed.info.Creator, "Finance Integration Platform");
  });

  it("has the title block with the scope lines and requester on page one, numbered like every page", () => {
    const first = parsed.pages[0]!.text;
    assert.match(first, /Financial summary/);
    assert.match(first, /Period 2024-01-01 to 2024-03-31: applied to every billing entry/);
    assert.match(first, /Requested by: alice\.finance/);
    assert.match(first, /Generated at: 1 May 2024 12:00 UTC/, "local time, the zone named, no raw ISO stamp");
    assert.doesNotMatch(first, /2024-05-01T/);
    assert.match(first, new RegExp(`Page 1 of ${parsed.numPages}\\b`));
  });

  it("starts the content on page one: summary and the first table follow the title block", () => {
    assert.equal(pageWith("Total invoiced"), 0, "the summary");
    assert.equal(pageWith(ledgerId(1)), 0, "the first table's first rows");
    const first = parsed.pages[0]!.text;
    assert.ok(first.indexOf("Generated at") < first.indexOf("Total invoiced"));
    assert.ok(first.indexOf("Total invoiced") < first.indexOf(ledgerId(1)));
  });

  it("numbers every page as 'Page X of Y' next to the report title", () => {
    const n = parsed.numPages;
    assert.match(parsed.pages[1]!.text, new RegExp(`Page 2 of ${n}\\b`));
    assert.match(parsed.pages[n - 1]!.text, new RegExp(`Page ${n} of ${n}\\b`));
    for (const page of parsed.pages) assert.match(page.text, /Financial summary/);
  });

  it("shows the summary values", () => {
    const summary = pageWith("Total invoiced");
    assert.equal(summary, 0, "the summary is on page one");
    assert.match(parsed.pages[summary]!.text, /1,234,567\.89 EUR/);
    assert.match(parsed.pages[summary]!.text, /Open items/);
  });

  it("keeps the first maxRowsPerTable rows, says the rest are left out", () => {
    assert.ok(pageWith(ledgerId(1)) >= 0);
    assert.ok(pageWith(ledgerId(2000)) > 0);
    assert.equal(pageWith(ledgerId(2001)), -1);
    assert.equal(pageWith(ledgerId(2500)), -1);
    const all = parsed.pages.map((page) => page.text).join("\n");
    assert.match(
      all.replace(/\s+/g, " "),
      /500 more rows are left out of this PDF \(showing the first 2,000 of 2,500\)/,
    );
  });

  it("repeats the header row on every page the table spans", () => {
    const first = pageWith(ledgerId(1));
    const last = pageWith(ledgerId(2000));
    assert.ok(last > first);
    for (let p = first; p <= last; p++) assert.match(parsed.pages[p]!.text, /Entry Description Amount/);
  });

  it("renders values as plain text, never markup", () => {
    assert.ok(
      lines().some((line) => line.includes(`${ledgerId(3)} ${FORMULA}`)),
      "formula verbatim",
    );
    assert.ok(
      lines().some((line) => line.includes(MARKUP)),
      "object-like text verbatim",
    );
    assert.ok(
      lines().some((line) => line.includes(SPECIALS)),
      "special characters verbatim",
    );
  });

  it("lays out a table with more than six columns in landscape, others in portrait", () => {
    const wide = parsed.pages[pageWith("Col G")]!;
    assert.ok(wide.width > wide.height, "landscape");
    const ledger = parsed.pages[pageWith(ledgerId(1))]!;
    assert.ok(ledger.height > ledger.width, "portrait");
    // Non-WinAnsi characters are folded, not garbled; decomposed accents are recomposed.
    assert.match(wide.text, /Lódz office/);
    assert.match(wide.text, /Résumé é/);
  });
});

describe("PDF report: amounts", () => {
  const amounts: PdfReport = {
    title: "Billing report",
    requestedBy: "alice.finance",
    generatedAt: "2026-12-04T05:00:00.000Z",
    scope: [],
    summary: [
      { label: "Projects", value: "1234", kind: "number" },
      { label: "Billed", value: "1234567.89", kind: "money", currency: "EUR" },
      { label: "Billed", value: "1500000", kind: "money", currency: "JPY" },
      { label: "Note", value: "12345", kind: "text" },
    ],
    tables: [
      {
        title: "Details",
        columns: [
          { key: "projectId", header: "Project", kind: "text" },
          { key: "amount", header: "Amount", kind: "money", currencyKey: "currency" },
          { key: "hours", header: "Hours", kind: "hours" },
          { key: "currency", header: "Currency", kind: "text" },
        ],
        rows: [
          { projectId: "PRJ-1", amount: "90071992547409.93", hours: "1234.5", currency: "EUR" },
          { projectId: "PRJ-2", amount: "-12.5", hours: "0.0", currency: "EUR" },
          { projectId: "PRJ-3", amount: "1500000", hours: null, currency: "JPY" },
          { projectId: "PRJ-4", amount: "1234.50", hours: "1", currency: null },
        ],
        totals: [
          { projectId: "Total", amount: "90071992547397.43", hours: null, currency: "EUR" },
          { projectId: "Total", amount: "1500000", hours: null, currency: "JPY" },
        ],
      },
    ],
  };

  it("shows each amount with thousands separators and its currency, digit for digit", async () => {
    const text = (await parse((await render(amounts)).buf)).pages.map((p) => p.text).join("\n");
    assert.match(text, /Billed 1,234,567\.89 EUR/);
    assert.match(text, /Billed 1,500,000 JPY/);
    assert.match(text, /Projects 1,234/);
    assert.match(text, /Note 12345/, "text is shown as it is");
    // Past 2^53 minor units: a float would have printed ...409.92 or ...409.94.
    assert.match(text, /PRJ-1 90,071,992,547,409\.93 EUR 1,234\.5 EUR/);
    assert.match(text, /PRJ-2 -12\.50 EUR 0\.0 EUR/);
    assert.match(text, /PRJ-3 1,500,000 JPY JPY/);
    assert.match(text, /PRJ-4 1,234\.50 1/, "no currency known: grouped, nothing invented");
    assert.match(
      text,
      /PRJ-4[^]*Total 90,071,992,547,397\.43 EUR EUR\s*Total 1,500,000 JPY JPY/,
      "totals per currency, last",
    );
  });
});

describe("PDF report: warnings", () => {
  it("lists them on the first page, under the title block", async () => {
    const warned = {
      ...report,
      tables: [],
      warnings: ["Project PRJ-999999: not found in SAP", "Project PRJ-000055: no valid currency in SAP"],
    };
    const parsed = await parse((await render(warned)).buf);
    const first = parsed.pages[0]!.text;
    assert.match(first, /Warnings/);
    assert.match(first, /Project PRJ-999999: not found in SAP/);
    assert.match(first, /Project PRJ-000055: no valid currency in SAP/);
    assert.ok(first.indexOf("Requested by") < first.indexOf("Warnings"), "after the title block");
  });
});

describe("PDF report: times", () => {
  it("shows the generation time on the wall clock of the report's time zone, naming the zone", async () => {
    const small = { ...report, tables: [], generatedAt: "2026-12-04T05:00:00.000Z" };
    const utc = (await parse((await render(small)).buf)).pages[0]!.text;
    assert.match(utc, /Generated at: 4 Dec 2026 05:00 UTC/);
    const brussels = (await parse((await render({ ...small, timeZone: "Europe/Brussels" })).buf)).pages[0]!.text;
    assert.match(brussels, /Generated at: 4 Dec 2026 06:00 Europe\/Brussels \(UTC\+01:00\)/);
  });
});

describe("PDF report: characters XML 1.0 forbids, from stored data", () => {
  it("renders without throwing and leaves them out of the text and the metadata", async () => {
    const bad: PdfReport = {
      title: "Billing\ufffe report\u0001",
      requestedBy: "ali\u0000ce\ud800",
      generatedAt: "2024-05-01T12:00:00.000Z",
      scope: [],
      summary: [{ label: "Projects\uffff", value: "Acme\u0002 Corp" }],
      tables: [
        {
          title: "Details",
          columns: [
            { key: "id", header: "Project" },
            { key: "name", header: "Na\ufffeme" },
          ],
          rows: [
            { id: "PRJ-1", name: "North\ufffewind\u0001 Capital" },
            { id: "PRJ-2", name: "Row after\uffff it" },
          ],
        },
      ],
    };
    const { buf, pages } = await render(bad);
    const parsed = await parse(buf);
    assert.equal(parsed.numPages, pages);
    const all = parsed.pages.map((page) => page.text).join("\n");
    for (const expected of [
      "Billing report",
      "Requested by: alice",
      "Projects",
      "Acme Corp",
      "Name",
      "Northwind Capital",
    ])
      assert.ok(all.includes(expected), `${expected} in ${JSON.stringify(all)}`);
    assert.match(all, /PRJ-2 Row after it/);
    assert.doesNotMatch(all, /\?/, "stripped, not replaced by ?");
    assert.equal(parsed.info.Title, "Billing report");
    assert.equal(parsed.info.Author, "alice");
  });
});

describe("pdfText", () => {
  it("keeps WinAnsi text and folds or replaces the rest", () => {
    assert.equal(pdfText(null), "");
    assert.equal(pdfText("€ 1–2 “q” café"), "€ 1–2 “q” café");
    assert.equal(pdfText("Łódź Kraków ő \u2212 5"), "Lódz Kraków o - 5");
    assert.equal(pdfText("a\u0001b 😀 \u0085"), "ab ? ?"); // U+0001 is one XML forbids: stripped
    assert.equal(pdfText("Acme\ufffe Corp\uffff\u0000 \ud800x"), "Acme Corp x");
    assert.equal(pdfText("one\r\ntwo\rthree"), "one\ntwo\nthree");
  });

  it("rejects a bad maxRowsPerTable", async () => {
    await assert.rejects(render({ ...report, maxRowsPerTable: -1 }), RangeError);
  });
});
