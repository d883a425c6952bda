/**
 * One chart, described once: what it shows (title, kind, series, axes, unit), never how it
 * is drawn. Two renderers read it: `plotlyFigure` (the JSON the web page plots) and
 * `renderChartSvg` (ECharts on the server, for PDFs, e-mails and `?format=svg`). Values are
 * display numbers: exact money is summed in minor units before a spec is built.
 */
export type ChartSpec = CategoryChartSpec | HeatmapChartSpec | ScatterChartSpec | WaterfallChartSpec;

interface ChartBase {
  /** Stable name of the chart ("trend", "heatmap"), for ids and file names. */
  readonly id: string;
  readonly title: string;
  /** What the values are: a currency code, "count", "%". */
  readonly unit: string;
}

export interface AxisSpec {
  readonly title: string;
}

/** Line, bar or pie: one value per category per series (a pie shows its first series). */
export interface CategoryChartSpec extends ChartBase {
  readonly kind: "line" | "bar" | "pie";
  readonly xAxis: AxisSpec;
  readonly yAxis: AxisSpec;
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

/** A grid of values: `z[row][column]` for row `y[row]` and column `x[column]` (null: no data). */
export interface HeatmapChartSpec extends ChartBase {
  readonly kind: "heatmap";
  readonly xAxis: AxisSpec;
  readonly yAxis: AxisSpec;
  readonly x: readonly string[];
  readonly y: readonly string[];
  readonly z: readonly (readonly (number | null)[])[];
}

export interface ScatterPoint {
  /** A category of the x axis (a period key). */
  readonly x: string;
  readonly y: number;
  /** Hover text: what the point is and why it stands out. */
  readonly label: string;
}

/** Points in named groups (e.g. "Normal" and "Anomaly") over a category x axis. */
export interface ScatterChartSpec extends ChartBase {
  readonly kind: "scatter";
  readonly xAxis: AxisSpec;
  readonly yAxis: AxisSpec;
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly points: readonly ScatterPoint[] }[];
}

/**
 * A waterfall: an `absolute` step starts from zero, a `relative` step moves the running total,
 * a `total` step shows the running total (its value is ignored by Plotly and recomputed here).
 */
export interface WaterfallStep {
  readonly label: string;
  readonly value: number;
  readonly measure: "absolute" | "relative" | "total";
  /** The exact amount shown on the bar (a decimal string), when `value` is only its plotted double. */
  readonly text?: string;
}

export interface WaterfallChartSpec extends ChartBase {
  readonly kind: "waterfall";
  readonly xAxis: AxisSpec;
  readonly yAxis: AxisSpec;
  readonly steps: readonly WaterfallStep[];
}

export const CHART_KINDS = ["line", "bar", "pie", "heatmap", "scatter", "waterfall"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** Longest label a chart shows; longer dimension values are cut with an ellipsis. */
export const MAX_LABEL_CHARS = 60;

/** A dimension value as a label: never empty, at most MAX_LABEL_CHARS characters. */
export function chartLabel(value: string | null | undefined): string {
  const text = (value ?? "").trim();
  if (text === "") return "(none)";
  const chars = [...text];
  return chars.length > MAX_LABEL_CHARS ? chars.slice(0, MAX_LABEL_CHARS - 1).join("") + "…" : text;
}

/** The running totals of a waterfall: where each bar starts and ends. */
export function waterfallLevels(steps: readonly WaterfallStep[]): { start: number; end: number }[] {
  let running = 0;
  return steps.map((step) => {
    if (step.measure === "absolute") {
      running = step.value;
      return { start: 0, end: running };
    }
    if (step.measure === "total") return { start: 0, end: running };
    const start = running;
    // 15 significant digits undo the binary noise of adding decimals (0.1 + 0.2), so a total
    // of exact amounts plots as the exact decimal.
    running = Number((running + step.value).toPrecision(15));
    return { start, end: running };
  });
}

/** The spec with every text it shows (title, axes, categories, names, labels) passed through `f`. */
export function mapChartText(spec: ChartSpec, f: (text: string) => string): ChartSpec {
  const base = {
    id: spec.id,
    title: f(spec.title),
    unit: f(spec.unit),
    xAxis: { title: f(spec.xAxis.title) },
    yAxis: { title: f(spec.yAxis.title) },
  };
  switch (spec.kind) {
    case "line":
    case "bar":
    case "pie":
      return {
        ...base,
        kind: spec.kind,
        categories: spec.categories.map(f),
        series: spec.series.map((s) => ({ name: f(s.name), values: s.values })),
      };
    case "heatmap":
      return { ...base, kind: "heatmap", x: spec.x.map(f), y: spec.y.map(f), z: spec.z };
    case "scatter":
      return {
        ...base,
        kind: "scatter",
        categories: spec.categories.map(f),
        series: spec.series.map((s) => ({
          name: f(s.name),
          points: s.points.map((p) => ({ x: f(p.x), y: p.y, label: f(p.label) })),
        })),
      };
    case "waterfall":
      return { ...base, kind: "waterfall", steps: spec.steps.map((s) => ({ ...s, label: f(s.label) })) };
  }
}
