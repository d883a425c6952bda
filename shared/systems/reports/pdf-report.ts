/**
 * PDF rendering of a report with pdfmake 0.3 (server build: `pdfmake` resolves to js/index.js,
 * a ready-made singleton). Only the PDF standard 14 fonts are used, so no font files ship with
 * the app; the price is that those fonts cover WinAnsi (Latin-1 plus a few) characters only.
 */
import { pipeline } from "node:stream/promises";
import type pdfmakeInstance from "pdfmake";
import type { Content, TableCell } from "pdfmake";
import { mapChartText, renderChartSvg, type ChartSpec } from "../../foundation/charts/index.js";
import { displayMoney, groupThousands } from "../../kernel/money.js";
import { stripXmlForbidden } from "../../kernel/text.js";
import type { CellKind } from "./excel-report.js";
import { formatLocalTime } from "./report-time.js";

type Row = Readonly<Record<string, string | null>>;

export interface PdfColumn {
  readonly key: string;
  readonly header: string;
  /** Decimal strings of a number kind are shown with thousands separators; money with its currency. */
  readonly kind?: CellKind;
  /** For money: the row key holding each amount's currency, shown beside it ("1,234.56 EUR"). */
  readonly currencyKey?: string;
  /** Default: right for number kinds, left for text and dates; without a kind, right when every value looks numeric. */
  readonly align?: "left" | "right";
}

export interface PdfTable {
  readonly title: string;
  readonly columns: readonly PdfColumn[];
  readonly rows: readonly Row[];
  /** Totals (one per currency), in bold after the rows shown. */
  readonly totals?: readonly Row[];
  /** Drawn above the table as an SVG chart (ECharts, rendered on the server). */
  readonly chart?: ChartSpec;
}

/** A summary figure: a decimal string of `kind`; an amount names its currency. */
export interface PdfSummaryItem {
  readonly label: string;
  readonly value: string;
  readonly kind?: CellKind;
  readonly currency?: string;
}

export interface PdfReport {
  readonly title: string;
  readonly requestedBy: string;
  /** ISO instant; shown as local time in `timeZone`. */
  readonly generatedAt: string;
  /** IANA zone the times are shown in, named on the page (REPORT_TIME_ZONE). Default UTC. */
  readonly timeZone?: string;
  /** What the figures cover, line by line: the period and what it applies to, "as of" for lifetime figures. */
  readonly scope: readonly string[];
  /** What the report could not show; listed on the first page, under the title block. */
  readonly warnings?: readonly string[];
  readonly summary: readonly PdfSummaryItem[];
  readonly tables: readonly PdfTable[];
  /** Rows beyond this per table are left out, with a line saying so (the Excel format carries every row). Default 2000. */
  readonly maxRowsPerTable?: number;
}

type PdfMake = typeof pdfmakeInstance;
type DocDefinition = Parameters<PdfMake["createPdf"]>[0];

const DEFAULT_MAX_ROWS = 2000;
const LANDSCAPE_ABOVE_COLUMNS = 6;
const CREATOR = "Finance Integration Platform";

/** pdfkit knows these names as built-in fonts; nothing is read from disk for them. */
const HELVETICA = {
  normal: "Helvetica",
  bold: "Helvetica-Bold",
  italics: "Helvetica-Oblique",
  bolditalics: "Helvetica-BoldOblique",
} as const;
const STANDARD_FONT_NAMES: ReadonlySet<string> = new Set(Object.values(HELVETICA));

// The promise, not the module, is cached so concurrent first calls load pdfmake once.
let pdfmakeLoading: Promise<PdfMake> | undefined;

function loadPdfmake(): Promise<PdfMake> {
  pdfmakeLoading ??= (async () => {
    const { default: pdfmake } = await import("pdfmake");
    // pdfmake's export is one process-wide instance: register under our own family name
    // (addFonts merges) rather than replacing whatever fonts someone else set.
    pdfmake.addFonts({ Helvetica: { ...HELVETICA } });
    // Reports embed no images or remote fonts. Without policies pdfmake would fetch any URL
    // and read any path a document names (and warns on every createPdf that none is set).
    // The local policy is also consulted for font "paths", hence the standard font names.
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => STANDARD_FONT_NAMES.has(path));
    return pdfmake;
  })().catch((error: unknown) => {
    pdfmakeLoading = undefined; // let a later call retry
    throw error;
  });
  return pdfmakeLoading;
}

/**
 * Renders the report as a PDF and writes it to `output`; resolves with the page count.
 * `output` is ended once the PDF is complete (and destroyed if writing fails midway).
 */
export async function writePdfReport(report: PdfReport, output: NodeJS.WritableStream): Promise<{ pages: number }> {
  const maxRows = report.maxRowsPerTable ?? DEFAULT_MAX_ROWS;
  if (!Number.isSafeInteger(maxRows) || maxRows < 0) {
    throw new RangeError(`maxRowsPerTable must be a non-negative integer, got ${String(maxRows)}`);
  }
  const pdfmake = await loadPdfmake();
  const charts = await chartsOf(report.tables);
  const pdf = pdfmake.createPdf(documentDefinition(report, maxRows, charts));
  // Layout and page rendering are done once the stream resolves; end() writes the trailer.
  const doc = await pdf.getStream();
  const { start, count } = doc.bufferedPageRange(); // pages flush as they go: start + count = all
  const written = pipeline(doc, output);
  doc.end();
  await written;
  return { pages: start + count };
}

type Orientation = "portrait" | "landscape";
/** Wide tables are laid out in landscape. */
const orientationOf = (table: PdfTable): Orientation =>
  table.columns.length > LANDSCAPE_ABOVE_COLUMNS ? "landscape" : "portrait";

/**
 * Page one holds the title block, the warnings, the summary and as much of the first table
 * as fits: the document starts in the first table's orientation. A later table starts a new
 * page only where it needs the other orientation (only a page break can switch it).
 */
function documentDefinition(report: PdfReport, maxRows: number, charts: ReadonlyMap<PdfTable, string>): DocDefinition {
  const title = pdfText(report.title);
  const content: Content[] = [
    titleBlock(report),
    ...warningsSection(report.warnings ?? []),
    summarySection(report.summary),
  ];
  const first: Orientation = report.tables[0] ? orientationOf(report.tables[0]) : "portrait";
  let orientation = first;
  for (const table of report.tables) {
    content.push(...tableSection(table, maxRows, orientation, charts.get(table)));
    orientation = orientationOf(table);
  }
  const created = new Date(report.generatedAt);
  return {
    pageSize: "A4",
    pageOrientation: first,
    pageMargins: [40, 40, 40, 50], // the bottom margin is the footer's room
    info: {
      // Metadata strings are written as UTF-16, so no WinAnsi folding; what XML forbids still
      // goes, as in every text of every file the platform writes.
      title: stripXmlForbidden(report.title),
      author: stripXmlForbidden(report.requestedBy),
      creator: CREATOR,
      ...(Number.isNaN(created.getTime()) ? {} : { creationDate: created }),
    },
    defaultStyle: { font: "Helvetica", fontSize: 9 },
    styles: {
      reportTitle: { fontSize: 18, bold: true, margin: [0, 0, 0, 10] },
      titleLine: { fontSize: 10, margin: [0, 0, 0, 3] },
      heading: { fontSize: 13, bold: true, margin: [0, 16, 0, 6] },
      headerCell: { bold: true, fillColor: "#e8e8e8" },
      note: { italics: true, color: "#555555", margin: [0, 6, 0, 0] },
      warningsHeading: { fontSize: 12, bold: true, color: "#9c2f00", margin: [0, 18, 0, 6] },
      footer: { fontSize: 8, color: "#555555" },
    },
    footer: (currentPage, pageCount) => ({
      margin: [40, 20, 40, 0],
      style: "footer",
      columns: [
        { text: title, width: "*" },
        { text: `Page ${currentPage} of ${pageCount}`, width: "auto", alignment: "right" },
      ],
    }),
    content,
  };
}

function titleBlock(report: PdfReport): Content {
  return {
    stack: [
      { text: pdfText(report.title), style: "reportTitle" },
      ...report.scope.map((line) => ({ text: pdfText(line), style: "titleLine" })),
      { text: `Requested by: ${pdfText(report.requestedBy)}`, style: "titleLine" },
      { text: `Generated at: ${pdfText(shownTime(report))}`, style: "titleLine" },
    ],
  };
}

/** The generation time on the reader's wall clock, the zone named; a value that is no instant as given. */
function shownTime(report: PdfReport): string {
  const at = new Date(report.generatedAt);
  return Number.isNaN(at.getTime()) ? report.generatedAt : formatLocalTime(at, report.timeZone ?? "UTC");
}

function warningsSection(warnings: readonly string[]): Content[] {
  if (warnings.length === 0) return [];
  return [
    { text: "Warnings", style: "warningsHeading" },
    { ul: warnings.map((warning) => pdfText(warning)), fontSize: 10 },
  ];
}

function summarySection(summary: PdfReport["summary"]): Content {
  const heading: Content = { text: "Summary", style: "heading" };
  if (summary.length === 0) return { stack: [heading, { text: "No summary figures.", style: "note" }] };
  const body: TableCell[][] = [
    [
      { text: "Item", style: "headerCell" },
      { text: "Value", style: "headerCell", alignment: "right" },
    ],
    ...summary.map((entry): TableCell[] => [
      { text: pdfText(entry.label) },
      { text: pdfText(summaryValue(entry)), alignment: "right" },
    ]),
  ];
  return {
    stack: [heading, { table: { headerRows: 1, widths: ["*", "auto"], body }, layout: "lightHorizontalLines" }],
  };
}

/** Chart width on the page in points (A4 portrait's text width is 515). */
const CHART_WIDTH = 480;
const CHART_SIZE = { width: 720, height: 360 } as const;

/**
 * Each table's chart as SVG. The chart's texts are folded to WinAnsi first (pdfText), as the
 * table's are: svg-to-pdfkit draws them with the same standard fonts.
 */
async function chartsOf(tables: readonly PdfTable[]): Promise<Map<PdfTable, string>> {
  const charts = new Map<PdfTable, string>();
  for (const table of tables)
    if (table.chart) charts.set(table, await renderChartSvg(mapChartText(table.chart, pdfText), CHART_SIZE));
  return charts;
}

function tableSection(table: PdfTable, maxRows: number, previous: Orientation, chartSvg?: string): Content[] {
  const orientation = orientationOf(table);
  const wide = orientation === "landscape";
  const shown = table.rows.slice(0, maxRows);
  const aligns = table.columns.map((column) => column.align ?? alignOf(column, shown));
  const anyFlexible = aligns.includes("left");
  // Text columns share what is left after number columns take their natural width.
  const widths = aligns.map((align) => (align === "right" && anyFlexible ? "auto" : "*"));
  const section: Content[] = [
    orientation === previous
      ? { text: pdfText(table.title), style: "heading" }
      : { text: pdfText(table.title), style: "heading", pageBreak: "before", pageOrientation: orientation },
  ];
  if (chartSvg && table.rows.length > 0) section.push({ svg: chartSvg, width: CHART_WIDTH, margin: [0, 0, 0, 8] });
  if (table.columns.length === 0) {
    section.push({ text: "This table has no columns.", style: "note" });
    return section;
  }
  const header: TableCell[] = table.columns.map((column, i) => ({
    text: pdfText(column.header),
    style: "headerCell",
    alignment: aligns[i],
  }));
  const body: TableCell[][] = [header];
  const cells = (row: Row, bold: boolean) =>
    table.columns.map((column, i): TableCell => ({
      text: pdfText(shownValue(row, column)),
      alignment: aligns[i],
      ...(bold ? { bold } : {}),
    }));
  for (const row of shown) body.push(cells(row, false));
  for (const row of table.totals ?? []) body.push(cells(row, true));
  section.push({
    table: { headerRows: 1, widths, body },
    layout: "lightHorizontalLines",
    fontSize: wide ? 7 : 8,
  });
  if (table.rows.length === 0) section.push({ text: "No rows.", style: "note" });
  const leftOut = table.rows.length - shown.length;
  if (leftOut > 0) {
    section.push({
      text:
        `${formatCount(leftOut)} more ${leftOut === 1 ? "row is" : "rows are"} left out of this PDF ` +
        `(showing the first ${formatCount(shown.length)} of ${formatCount(table.rows.length)}); the Excel export carries every row.` +
        (table.totals?.length ? " The totals cover every row." : ""),
      style: "note",
    });
  }
  return section;
}

function alignOf(column: PdfColumn, rows: readonly Row[]): "left" | "right" {
  if (column.kind) return column.kind === "text" || column.kind === "date" ? "left" : "right";
  return looksNumeric(column.key, rows) ? "right" : "left";
}

const GROUPED: ReadonlySet<CellKind> = new Set(["money", "number", "hours", "percent"]);

/**
 * A cell as people read it: an amount with thousands separators and its currency
 * ("1,234,567.89 EUR"), other numbers grouped ("1,234.5"). String work on the exact decimal,
 * never a float; a value that is no plain decimal is shown as it is.
 */
function shownValue(row: Row, column: PdfColumn): string | null {
  const value = cellValue(row, column.key);
  if (value === null || !column.kind || !GROUPED.has(column.kind)) return value;
  const currency = column.kind === "money" && column.currencyKey ? cellValue(row, column.currencyKey) : null;
  return currency ? displayMoney(value, currency) : groupThousands(value);
}

function summaryValue(item: PdfSummaryItem): string {
  if (!item.kind || !GROUPED.has(item.kind)) return item.value;
  return item.kind === "money" && item.currency ? displayMoney(item.value, item.currency) : groupThousands(item.value);
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Own properties only: a key such as "constructor" must not find Object.prototype's. */
function cellValue(row: Row, key: string): string | null {
  if (!Object.hasOwn(row, key)) return null;
  const value: unknown = row[key];
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

// Sign or "(", a digit, then digits and separators: "-1,234.50", "(12)", "1 234,5", "7.5 %".
const NUMERIC = /^[-+(]*\d[\d.,'’\s]*\)?%?$/;

/** A column without an explicit alignment is right-aligned when every value present is a number. */
function looksNumeric(key: string, rows: readonly Row[]): boolean {
  let seen = false;
  for (const row of rows) {
    const value = cellValue(row, key);
    if (value === null || value.trim() === "") continue;
    if (!NUMERIC.test(value.trim())) return false;
    seen = true;
  }
  return seen;
}

// Characters outside Latin-1 that WinAnsiEncoding still has (the keys of pdfkit's WIN_ANSI_MAP).
const WIN_ANSI_EXTRA: ReadonlySet<number> = new Set([
  402, 710, 732, 338, 339, 352, 353, 376, 381, 382, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224, 8225, 8226,
  8230, 8240, 8249, 8250, 8364, 8482,
]);
// Common characters with no WinAnsi glyph and no useful Unicode decomposition.
const FALLBACK: Readonly<Record<string, string>> = {
  "\u2212": "-",
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "–",
  "\u2015": "—",
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  ı: "i",
  ħ: "h",
  Ħ: "H",
  "\u200b": "",
  "\u200c": "",
  "\u200d": "",
  "\u2060": "",
  "\ufeff": "",
};

function isWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);
}

/**
 * Turns a data value into text the standard fonts can show. First the characters XML 1.0
 * forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE, U+FFFF) are removed, as every
 * file writer does (the kernel's stripXmlForbidden), so a stored value reads the same in the
 * PDF as in the Excel and CSV files. pdfmake treats a string as text, never markup, so the rest
 * is encoding: pdfkit writes a standard-font glyph as its char code in hex, and a code outside
 * WinAnsi (or a control character) would come out as the wrong number of hex digits and garble
 * the rest of the line. Such characters are folded to a close Latin-1 form where Unicode gives
 * one, else shown as "?".
 */
export function pdfText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  let out = "";
  // NFC first, so decomposed input ("e" + combining acute) becomes the Latin-1 "é" it can be.
  for (const ch of stripXmlForbidden(value).normalize("NFC").replace(/\r\n?/g, "\n")) {
    if (ch === "\n" || ch === "\t" || isWinAnsi(ch)) {
      out += ch; // pdfmake breaks the line at \n and expands \t to spaces
      continue;
    }
    const fallback = FALLBACK[ch];
    if (fallback !== undefined) {
      out += fallback;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      out += "?";
      continue;
    }
    // NFKD splits "ő" into "o" + accent and "ﬁ" into "fi"; keep what the font can show.
    const folded = [...ch.normalize("NFKD")].filter((c) => isWinAnsi(c)).join("");
    out += folded === "" ? "?" : folded;
  }
  return out;
}
