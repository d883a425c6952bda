/**
 * Server-side SVG of a chart spec with Apache ECharts' SSR mode (`renderer: "svg", ssr: true`,
 * `renderToSVGString()`): pure JavaScript, no canvas or other native module, so the same
 * chart goes into PDFs, e-mails and `?format=svg` on every host. ECharts (about 1 MB of
 * code) loads on the first chart, not with every process.
 */
import type * as EChartsModule from "echarts";
import { ValidationError } from "../../kernel/errors.js";
import { stripXmlForbidden } from "../../kernel/text.js";
import { chartLabel, mapChartText, waterfallLevels, type ChartSpec } from "./chart-spec.js";

type ECharts = typeof EChartsModule;
type Option = Record<string, unknown>;

export interface SvgSize {
  readonly width: number;
  readonly height: number;
}

export const DEFAULT_SVG_SIZE: SvgSize = { width: 900, height: 500 };
export const SVG_SIZE_LIMITS = { minWidth: 200, maxWidth: 2000, minHeight: 150, maxHeight: 1500 } as const;
/** The largest SVG we answer with; a spec that renders larger is refused, not truncated. */
export const MAX_SVG_BYTES = 2 * 1024 * 1024;

/** A 400: the caller narrows the filters (or asks for the JSON figure). */
export class ChartTooLargeError extends ValidationError {
  constructor(bytes: number) {
    super([
      {
        field: "format",
        location: "query",
        message: `the chart's SVG would be ${bytes} bytes, more than the ${MAX_SVG_BYTES} allowed; narrow the filters`,
      },
    ]);
  }
}

let echartsLoading: Promise<ECharts> | undefined;
function loadECharts(): Promise<ECharts> {
  echartsLoading ??= import("echarts").catch((error: unknown) => {
    echartsLoading = undefined; // let a later call retry
    throw error;
  });
  return echartsLoading;
}

const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];

/** The chart as a standalone SVG document (UTF-8 text). */
export async function renderChartSvg(spec: ChartSpec, size: SvgSize = DEFAULT_SVG_SIZE): Promise<string> {
  const echarts = await loadECharts();
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(echartsOption(safeSpec(spec), size));
    const svg = chart.renderToSVGString();
    const bytes = Buffer.byteLength(svg, "utf8");
    if (bytes > MAX_SVG_BYTES) throw new ChartTooLargeError(bytes);
    return svg;
  } finally {
    chart.dispose();
  }
}

/**
 * Several charts stacked into one SVG (a dashboard): each chart's own document nested at its
 * offset, which SVG allows, so nothing of a chart is re-parsed or re-escaped.
 */
export async function renderChartsSvg(specs: readonly ChartSpec[], size: SvgSize = DEFAULT_SVG_SIZE): Promise<string> {
  const parts: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const svg = (await renderChartSvg(spec, size)).replace(/^<svg\b/, `<svg x="0" y="${i * size.height}"`);
    parts.push(svg);
  }
  const height = size.height * specs.length;
  const document =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${height}" ` +
    `viewBox="0 0 ${size.width} ${height}">${parts.join("")}</svg>`;
  const bytes = Buffer.byteLength(document, "utf8");
  if (bytes > MAX_SVG_BYTES) throw new ChartTooLargeError(bytes);
  return document;
}

/**
 * Every text of the spec as a chart may show it: what XML forbids removed, long values cut.
 * ECharts escapes text and attributes when it writes the SVG (checked by the tests with a
 * `<script>` dimension value).
 */
function safeSpec(spec: ChartSpec): ChartSpec {
  const safe = mapChartText(spec, (value) => chartLabel(stripXmlForbidden(value)));
  return { ...safe, unit: stripXmlForbidden(spec.unit).slice(0, 20) };
}

const withUnit = (title: string, unit: string) => (unit ? `${title} (${unit})` : title);

function echartsOption(spec: ChartSpec, size: SvgSize): Option {
  const common: Option = {
    animation: false,
    color: PALETTE,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: "Helvetica, Arial, sans-serif" },
    title: { text: spec.title, left: "center", top: 8, textStyle: { fontSize: 16 } },
  };
  const grid = { left: 90, right: 40, top: 70, bottom: 80, containLabel: true };
  const legend = (names: readonly string[]) => ({ type: "plain", bottom: 8, data: [...names] });
  // Every category labelled: cut to its band's width (or slanted when there are many),
  // never silently dropped for overlapping its neighbour.
  const categoryAxis = (title: string, data: readonly string[]) => {
    const slanted = data.length > 8;
    const band = Math.max(30, Math.floor((size.width - 160) / Math.max(1, data.length)) - 6);
    return {
      type: "category",
      name: title,
      nameLocation: "middle",
      nameGap: slanted ? 70 : 40,
      data: [...data],
      axisLabel: { interval: 0, rotate: slanted ? 45 : 0, width: slanted ? 110 : band, overflow: "truncate" },
    };
  };
  const valueAxis = (title: string) => ({ type: "value", name: withUnit(title, spec.unit), nameGap: 18 });

  switch (spec.kind) {
    case "line":
    case "bar":
      return {
        ...common,
        grid,
        legend: legend(spec.series.map((s) => s.name)),
        xAxis: categoryAxis(spec.xAxis.title, spec.categories),
        yAxis: valueAxis(spec.yAxis.title),
        series: spec.series.map((s) => ({ type: spec.kind, name: s.name, data: [...s.values] })),
      };
    case "pie": {
      const first = spec.series[0];
      return {
        ...common,
        legend: { ...legend(spec.categories), type: "plain" },
        series: [
          {
            type: "pie",
            name: first?.name ?? spec.title,
            radius: "55%",
            center: ["50%", "52%"],
            label: { formatter: "{b}: {d}%" },
            data: spec.categories.map((name, i) => ({ name, value: first?.values[i] ?? 0 })),
          },
        ],
      };
    }
    case "heatmap": {
      const values = spec.z.flat().filter((v): v is number => v !== null);
      const data: [number, number, number][] = [];
      spec.z.forEach((row, yi) =>
        row.forEach((v, xi) => {
          if (v !== null) data.push([xi, yi, v]);
        }),
      );
      return {
        ...common,
        grid: { ...grid, bottom: 110 },
        xAxis: categoryAxis(spec.xAxis.title, spec.x),
        yAxis: {
          ...categoryAxis(spec.yAxis.title, spec.y),
          nameGap: 70,
          axisLabel: { interval: 0, width: 150, overflow: "truncate" },
        },
        visualMap: {
          min: values.length ? Math.min(...values) : 0,
          max: values.length ? Math.max(...values) : 1,
          orient: "horizontal",
          left: "center",
          bottom: 8,
          text: [spec.unit, ""],
          inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] },
        },
        series: [{ type: "heatmap", name: spec.title, data }],
      };
    }
    case "scatter":
      return {
        ...common,
        grid,
        legend: legend(spec.series.map((s) => s.name)),
        xAxis: categoryAxis(spec.xAxis.title, spec.categories),
        yAxis: valueAxis(spec.yAxis.title),
        series: spec.series.map((s) => ({
          type: "scatter",
          name: s.name,
          symbolSize: 8,
          data: s.points.map((p) => ({ value: [p.x, p.y], name: p.label })),
        })),
      };
    case "waterfall": {
      // ECharts has no waterfall series: a transparent base bar stacked under the visible step.
      const levels = waterfallLevels(spec.steps);
      const base = levels.map((l) => Math.min(l.start, l.end));
      const bar = levels.map((l, i) => ({
        value: Math.abs(l.end - l.start),
        itemStyle: {
          color: spec.steps[i]!.measure !== "relative" ? "#4e79a7" : l.end >= l.start ? "#e15759" : "#59a14f",
        },
      }));
      return {
        ...common,
        grid,
        xAxis: categoryAxis(
          spec.xAxis.title,
          spec.steps.map((s) => s.label),
        ),
        yAxis: valueAxis(spec.yAxis.title),
        series: [
          {
            type: "bar",
            name: "base",
            stack: "waterfall",
            stackStrategy: "all",
            silent: true,
            itemStyle: { color: "transparent" },
            data: base,
          },
          { type: "bar", name: spec.title, stack: "waterfall", stackStrategy: "all", data: bar },
        ],
      };
    }
  }
}
