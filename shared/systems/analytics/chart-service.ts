import type { Kysely } from "kysely";
import {
  chartLabel,
  plotlyFigure,
  renderChartSvg,
  renderChartsSvg,
  type ChartSpec,
  type PlotlyFigure,
  type SvgSize,
  type WaterfallStep,
} from "../../foundation/charts/index.js";
import { ValidationError } from "../../kernel/errors.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import {
  chartNumber,
  costCenterPeriodTotalsForCharts,
  currenciesForCharts,
  decimalAmount,
  dimensionTotalsForCharts,
  periodTotalsForCharts,
  type CostCenterPeriodTotal,
} from "./chart-repository.js";
import type { ExpenseFilter } from "./expense-filter.js";

/** The charts the API serves, for `GET /charts/available` and the dashboard. */
export const CHARTS = [
  {
    id: "trend",
    kind: "line",
    route: "/api/v1/charts/trend",
    title: "Expense trend by fiscal period",
    parameters: ["filters"],
  },
  {
    id: "category-breakdown",
    kind: "pie",
    route: "/api/v1/charts/category-breakdown",
    title: "Expenses by a dimension (pie or bar)",
    parameters: ["filters", "dimension", "chart", "top"],
  },
  {
    id: "heatmap",
    kind: "heatmap",
    route: "/api/v1/charts/heatmap",
    title: "Cost center × fiscal period",
    parameters: ["filters", "top"],
  },
  {
    id: "anomaly-scatter",
    kind: "scatter",
    route: "/api/v1/charts/anomaly-scatter",
    title: "Cost center periods, anomalies highlighted",
    parameters: ["filters", "threshold", "top"],
  },
  {
    id: "rca-waterfall",
    kind: "waterfall",
    route: "/api/v1/charts/rca-waterfall",
    title: "Root-cause waterfall of a period-over-period change",
    parameters: ["rca request"],
  },
] as const;

/** Caps that keep every chart readable and its SVG small, whatever the data. */
export const CHART_LIMITS = {
  maxPeriods: 400,
  maxCategories: 30,
  maxHeatmapCostCenters: 40,
  maxScatterCostCenters: 100,
} as const;

export interface ChartOptions {
  readonly filter: ExpenseFilter;
}

export interface BreakdownOptions extends ChartOptions {
  readonly dimension: Dimension;
  readonly chart: "pie" | "bar";
  readonly top: number;
}

export interface AnomalyScatterOptions extends ChartOptions {
  /** |z| at or above which a cost center's period is an anomaly (the seed's default 2.5). */
  readonly threshold: number;
  readonly top: number;
}

export interface DashboardView {
  readonly currency: string | null;
  readonly kpis: {
    readonly totalAmount: string;
    readonly lines: number;
    readonly periods: number;
    readonly firstPeriod: string | null;
    readonly lastPeriod: string | null;
  };
  readonly charts: readonly { readonly id: string; readonly title: string; readonly figure: PlotlyFigure }[];
}

/**
 * Chart specs built from the analytics aggregates, and their two renderings (Plotly JSON and
 * ECharts SVG). One currency per chart: the filter's `company_code_currency_key`, else the
 * currency most lines are in, so no sum ever adds two currencies.
 */
export class ChartService {
  readonly #db: Kysely<AnalyticsTables>;

  constructor(db: Kysely<AnalyticsTables>) {
    this.#db = db;
  }

  /** Plotly figure JSON of a spec (`{data, layout}`). */
  figure(spec: ChartSpec): PlotlyFigure {
    return plotlyFigure(spec);
  }

  /** The same spec as a standalone SVG document. */
  svg(spec: ChartSpec | readonly ChartSpec[], size?: SvgSize): Promise<string> {
    return Array.isArray(spec) ? renderChartsSvg(spec as ChartSpec[], size) : renderChartSvg(spec as ChartSpec, size);
  }

  async trend({ filter }: ChartOptions): Promise<ChartSpec> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const periods = await periodTotalsForCharts(this.#db, scoped, CHART_LIMITS.maxPeriods);
    return {
      id: "trend",
      kind: "line",
      title: `Expenses by fiscal period${currencyNote(currency)}`,
      unit: currency ?? "",
      xAxis: { title: "Fiscal period" },
      yAxis: { title: "Amount" },
      categories: periods.map((p) => p.monthYear),
      series: [{ name: "Amount", values: periods.map((p) => chartNumber(p.totalMinor, currency ?? "")) }],
    };
  }

  async categoryBreakdown({ filter, dimension, chart, top }: BreakdownOptions): Promise<ChartSpec> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const { top: shown, other } = await dimensionTotalsForCharts(this.#db, dimension, scoped, top);
    const bars = other ? [...shown, { ...other, value: "Other" }] : shown;
    return {
      id: "category-breakdown",
      kind: chart,
      title: `Expenses by ${dimensionTitle(dimension)}${currencyNote(currency)}`,
      unit: currency ?? "",
      xAxis: { title: dimensionTitle(dimension) },
      yAxis: { title: "Amount" },
      categories: bars.map((b, i) => (other && i === bars.length - 1 ? "Other" : chartLabel(b.value))),
      series: [{ name: "Amount", values: bars.map((b) => chartNumber(b.totalMinor, currency ?? "")) }],
    };
  }

  async heatmap({ filter, top }: ChartOptions & { top: number }): Promise<ChartSpec> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const cells = await costCenterPeriodTotalsForCharts(this.#db, scoped, top);
    const periods = [...new Set(cells.map((c) => c.monthYear))].sort();
    const centers = costCentersOf(cells);
    const column = new Map(periods.map((p, i) => [p, i]));
    const row = new Map(centers.map((c, i) => [c.id, i]));
    const z: (number | null)[][] = centers.map(() => periods.map(() => null));
    for (const cell of cells)
      z[row.get(cell.costCenterId!)!]![column.get(cell.monthYear)!] = chartNumber(cell.totalMinor, currency ?? "");
    return {
      id: "heatmap",
      kind: "heatmap",
      title: `Cost center spend by fiscal period${currencyNote(currency)}`,
      unit: currency ?? "",
      xAxis: { title: "Fiscal period" },
      yAxis: { title: "Cost center" },
      x: periods,
      y: centers.map((c) => c.label),
      z,
    };
  }

  /**
   * STAND-IN until the anomaly service of h-analytics-anomalies is merged: a cost center's
   * period is anomalous when its total is `threshold` standard deviations or more from that
   * cost center's mean over the periods shown (a z-score over the aggregated cells, at least
   * three periods). The lead swaps in the anomaly service's findings at merge.
   */
  async anomalyScatter({ filter, threshold, top }: AnomalyScatterOptions): Promise<ChartSpec> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const cells = await costCenterPeriodTotalsForCharts(this.#db, scoped, top);
    const cur = currency ?? "";
    const byCenter = new Map<string, CostCenterPeriodTotal[]>();
    for (const cell of cells) byCenter.set(cell.costCenterId!, [...(byCenter.get(cell.costCenterId!) ?? []), cell]);
    const normal: { x: string; y: number; label: string }[] = [];
    const unusual: typeof normal = [];
    const labels = new Map(costCentersOf(cells).map((c) => [c.id, c.label]));
    for (const [id, group] of byCenter) {
      const values = group.map((c) => chartNumber(c.totalMinor, cur));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      group.forEach((cell, i) => {
        const z = group.length >= 3 && sd > 0 ? (values[i]! - mean) / sd : 0;
        const amount = `${decimalAmount(cell.totalMinor, cur)} ${cur}`.trim();
        const label = `${labels.get(id)!} · ${cell.monthYear}: ${amount} (z ${z.toFixed(2)}, mean ${mean.toFixed(2)})`;
        (Math.abs(z) >= threshold ? unusual : normal).push({ x: cell.monthYear, y: values[i]!, label });
      });
    }
    return {
      id: "anomaly-scatter",
      kind: "scatter",
      title: `Cost center periods, anomalies highlighted${currencyNote(currency)}`,
      unit: cur,
      xAxis: { title: "Fiscal period" },
      yAxis: { title: "Amount" },
      categories: [...new Set(cells.map((c) => c.monthYear))].sort(),
      series: [
        { name: "Normal", points: normal },
        { name: `Anomaly (|z| ≥ ${threshold})`, points: unusual },
      ],
    };
  }

  /** The dashboard: headline figures and the four charts over the same filter. */
  async dashboard({ filter }: ChartOptions): Promise<{ view: DashboardView; specs: ChartSpec[] }> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const periods = await periodTotalsForCharts(this.#db, scoped, CHART_LIMITS.maxPeriods);
    const total = periods.reduce((n, p) => n + p.totalMinor, 0n);
    const specs = [
      await this.trend({ filter: scoped }),
      await this.categoryBreakdown({ filter: scoped, dimension: "functional_area_name", chart: "pie", top: 10 }),
      await this.heatmap({ filter: scoped, top: 15 }),
      await this.anomalyScatter({ filter: scoped, threshold: 2.5, top: 30 }),
    ];
    return {
      specs,
      view: {
        currency,
        kpis: {
          totalAmount: decimalAmount(total, currency ?? ""),
          lines: periods.reduce((n, p) => n + p.lines, 0),
          periods: periods.length,
          firstPeriod: periods[0]?.monthYear ?? null,
          lastPeriod: periods.at(-1)?.monthYear ?? null,
        },
        charts: specs.map((spec) => ({ id: spec.id, title: spec.title, figure: plotlyFigure(spec) })),
      },
    };
  }

  /** The filter narrowed to one currency (the one asked for, else the most used one). */
  async #oneCurrency(filter: ExpenseFilter): Promise<{ currency: string | null; scoped: ExpenseFilter }> {
    const asked = filter.dimensions?.company_code_currency_key;
    if (asked !== undefined) return { currency: asked, scoped: filter };
    const [currency] = await currenciesForCharts(this.#db, filter);
    if (currency === undefined) return { currency: null, scoped: filter };
    return {
      currency,
      scoped: { ...filter, dimensions: { ...filter.dimensions, company_code_currency_key: currency } },
    };
  }
}

/** A waterfall spec from RCA steps (start, drivers, end), for `POST /charts/rca-waterfall`. */
export function waterfallSpec(
  steps: readonly WaterfallStep[],
  options: { title?: string; unit?: string } = {},
): ChartSpec {
  if (steps.length === 0)
    throw new ValidationError([{ field: "steps", message: "a waterfall needs at least one step" }]);
  return {
    id: "rca-waterfall",
    kind: "waterfall",
    title: options.title ?? "Root-cause waterfall",
    unit: options.unit ?? "",
    xAxis: { title: "Driver" },
    yAxis: { title: "Change" },
    steps: steps.map((s) => ({ ...s, label: chartLabel(s.label) })),
  };
}

/** The waterfall as a Plotly figure: what h-analytics-rca's route returns. */
export function waterfallFigure(
  steps: readonly WaterfallStep[],
  options: { title?: string; unit?: string } = {},
): PlotlyFigure {
  return plotlyFigure(waterfallSpec(steps, options));
}

function costCentersOf(cells: readonly CostCenterPeriodTotal[]): { id: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const c of cells)
    if (!seen.has(c.costCenterId!))
      seen.set(
        c.costCenterId!,
        chartLabel(c.costCenterName ? `${c.costCenterId} ${c.costCenterName}` : c.costCenterId),
      );
  return [...seen].map(([id, label]) => ({ id, label }));
}

const currencyNote = (currency: string | null) => (currency ? ` (${currency})` : "");
const dimensionTitle = (dimension: Dimension) => dimension.replaceAll("_", " ");
