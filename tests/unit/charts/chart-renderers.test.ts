import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import {
  plotlyFigure,
  renderChartSvg,
  renderChartsSvg,
  type ChartSpec,
} from "../../../shared/foundation/charts/index.js";
import { waterfallFigure } from "../../../shared/systems/analytics/index.js";
import { writePdfReport, type PdfReport } from "../../../shared/systems/reports/pdf-report.js";
import { writeExcelReport, type ExcelReport } from "../../../shared/systems/reports/excel-report.js";
import ExcelJS from "exceljs";

const INJECTED = `<script>alert("x")</script>`;

const bar: ChartSpec = {
  id: "t",
  kind: "bar",
  title: "Spend by area",
  unit: "EUR",
  xAxis: { title: "Area" },
  yAxis: { title: "Amount" },
  categories: ["Travel", INJECTED, "IT & <Cloud>"],
  series: [
    { name: "Planned", values: [10, 20, 30] },
    { name: "Actual", values: [12, 18, 35.5] },
  ],
};

/** A minimal well-formedness check: balanced tags, one root <svg>, no raw markup in text. */
function parseSvg(svg: string): { root: string; texts: string[] } {
  const stack: string[] = [];
  let root = "";
  const texts: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>|([^<]+)/g;
  // CDATA (ECharts' hover styles) is character data, not markup.
  const body = svg.replace(/<\?xml[^>]*>/, "").replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "");
  for (const m of body.matchAll(tag)) {
    if (m[5] !== undefined) {
      if (m[5].trim()) texts.push(m[5].trim());
      continue;
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes what it opened`);
    else if (!selfClosing) {
      if (stack.length === 0) {
        assert.equal(root, "", "one root element");
        root = name!;
      }
      stack.push(name!);
    } else if (stack.length === 0) root = name!;
  }
  assert.deepEqual(stack, [], "every element closed");
  assert.ok(!/<[^/a-zA-Z?]/.test(body.replace(/<!--[\s\S]*?-->/g, "")), "no stray '<'");
  return { root, texts };
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("chart renderers", () => {
  it("a spec becomes a Plotly figure with equal-length arrays per trace", () => {
    const figure = plotlyFigure(bar);
    assert.equal(figure.data.length, 2);
    for (const trace of figure.data) {
      assert.equal(trace.type, "bar");
      assert.equal((trace.x as unknown[]).length, (trace.y as unknown[]).length);
    }
    assert.deepEqual(figure.data[1]!.y, [12, 18, 35.5]);
    assert.deepEqual(figure.layout.title, { text: "Spend by area" });
  });

  it("renders well-formed SVG with the title and series names, and escapes markup in labels", async () => {
    const svg = await renderChartSvg(bar, { width: 600, height: 400 });
    const { root, texts } = parseSvg(svg);
    assert.equal(root, "svg");
    assert.ok(!svg.includes("<script"), "no script element");
    const shown = texts.map(decode);
    assert.ok(shown.includes("Spend by area"));
    assert.ok(shown.includes("Planned") && shown.includes("Actual"));
    assert.ok(
      shown.some((t) => t.includes("<script>")),
      "the value is shown as text",
    );
    assert.match(svg, /&lt;script&gt;/);
  });

  it("draws every kind, and stacks several charts into one SVG document", async () => {
    const specs: ChartSpec[] = [
      { ...bar, kind: "line" },
      { ...bar, kind: "pie" },
      {
        id: "h",
        kind: "heatmap",
        title: "Heat",
        unit: "EUR",
        xAxis: { title: "P" },
        yAxis: { title: "CC" },
        x: ["01", "02"],
        y: ["A", "B"],
        z: [
          [1, null],
          [3, 4],
        ],
      },
      {
        id: "s",
        kind: "scatter",
        title: "Scatter",
        unit: "EUR",
        xAxis: { title: "P" },
        yAxis: { title: "A" },
        categories: ["01", "02"],
        series: [
          { name: "Normal", points: [{ x: "01", y: 1, label: "a" }] },
          { name: "Anomaly", points: [{ x: "02", y: 9, label: "b" }] },
        ],
      },
    ];
    for (const spec of specs) assert.equal(parseSvg(await renderChartSvg(spec)).root, "svg", spec.kind);
    const stacked = await renderChartsSvg(specs, { width: 500, height: 300 });
    assert.equal(parseSvg(stacked).root, "svg");
    assert.match(stacked, /^<svg [^>]*height="1200"/);
  });

  it("waterfallFigure: running totals, measures kept, totals recomputed", async () => {
    const figure = waterfallFigure(
      [
        { label: "2024-02", value: 100, measure: "absolute" },
        { label: "Travel", value: 30, measure: "relative" },
        { label: "IT", value: -10, measure: "relative" },
        { label: "2024-03", value: 0, measure: "total" },
      ],
      { unit: "EUR" },
    );
    const trace = figure.data[0]!;
    assert.equal(trace.type, "waterfall");
    assert.deepEqual(trace.measure, ["absolute", "relative", "relative", "total"]);
    assert.deepEqual(trace.y, [100, 30, -10, 120]);
  });
});

async function collect(write: (sink: Writable) => Promise<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await write(sink);
  return Buffer.concat(chunks);
}

describe("charts in reports", () => {
  const table = {
    title: "Chart data",
    columns: [
      { key: "area", header: "Area" },
      { key: "amount", header: "Amount", kind: "money" as const },
    ],
    rows: [
      { area: "Travel", amount: "10.00" },
      { area: "IT", amount: "-20.00" },
    ],
  };
  const pdf = (withChart: boolean): PdfReport => ({
    title: "Report",
    requestedBy: "alice",
    generatedAt: "2024-05-01T12:00:00.000Z",
    scope: [],
    summary: [],
    tables: [{ ...table, ...(withChart ? { chart: { ...bar, title: "Chart title from SVG" } } : {}) }],
  });

  it("the PDF embeds the chart as vector drawing with the chart's text", async () => {
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const measure = async (bytes: Buffer) => {
      const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
      const page = await doc.getPage(1);
      const text = (await page.getTextContent()).items.map((i) => ("str" in i ? i.str : "")).join(" ");
      const ops = (await page.getOperatorList()).fnArray.length;
      return { text, ops };
    };
    const without = await measure(await collect((s) => writePdfReport(pdf(false), s)));
    const withChart = await measure(await collect((s) => writePdfReport(pdf(true), s)));
    assert.ok(!without.text.includes("Chart title from SVG"));
    assert.match(withChart.text, /Chart title from SVG/);
    assert.match(withChart.text, /Planned/);
    assert.ok(withChart.ops > without.ops + 50, `drawing operators: ${withChart.ops} vs ${without.ops}`);
  });

  it("Excel draws the bars in cells after the data columns, the longest for the largest magnitude", async () => {
    const report: ExcelReport = {
      title: "Report",
      subtitle: [],
      summary: [],
      details: { name: "Details", columns: [{ key: "area", header: "Area", kind: "text" }], rows: [] },
      chartData: {
        name: "Chart data",
        columns: [
          { key: "area", header: "Area", kind: "text" },
          { key: "amount", header: "Amount", kind: "money" },
        ],
        rows: table.rows,
        bars: ["amount"],
      },
    };
    const bytes = await collect((s) => writeExcelReport(report, s));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Chart data")!;
    assert.equal(sheet.getCell("C1").value, "Amount (chart)");
    assert.equal(sheet.getCell("C2").value, "█".repeat(15));
    assert.equal(sheet.getCell("C3").value, "-" + "█".repeat(30));
    assert.equal(sheet.autoFilter, "A1:C3");
  });
});
