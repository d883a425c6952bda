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
import { monthYear, type Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import type { AnomalyDirection } from "./anomaly-explanation.js";
import type { AnomalyService } from "./anomaly-service.js";
import { TREND_DEFAULTS } from "./anomaly-trends.js";
import type { ExpenseFilter } from "./expense-filter.js";
import { breakdown, periodCells, periodTotals, topValues } from "./expense-repository.js";
import { amountOf } from "./rca-view.js";

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
    title: "Cost center periods, the trend findings of /anomaly/detect highlighted",
    parameters: ["filters", "changeThreshold", "direction", "minAmount", "top"],
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
  /**
   * Relative month-over-month change (0.3 = 30%) beyond which the anomaly service's trend
   * detector calls a cost center's period unusual: the points highlighted.
   */
  readonly changeThreshold: number;
  /** Only increases or only decreases, as on `/anomaly/detect`. Defaults to both. */
  readonly direction?: AnomalyDirection;
  /** Materiality as on `/anomaly/detect`: the smallest change at issue (decimal string). */
  readonly minAmount?: string;
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
 * Chart specs built from the exploration queries (expense-repository.ts) and the anomaly
 * service's findings, and their two renderings (Plotly JSON and ECharts SVG). One currency
 * per chart: the filter's `company_code_currency_key`, else the currency most lines are in,
 * so no sum ever adds two currencies.
 */
export class ChartService {
  readonly #db: Kysely<AnalyticsTables>;
  readonly #anomalies: AnomalyService;

  constructor(db: Kysely<AnalyticsTables>, anomalies: AnomalyService) {
    this.#db = db;
    this.#anomalies = anomalies;
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
    const periods = await this.#periods(scoped);
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
    // The breakdown's page of the `top` largest values; the rest add up to "Other", so the
    // shares still sum to the filtered total.
    const page = await breakdown(this.#db, scoped, dimension, { period: null, previous: null, offset: 0, limit: top });
    const shown = page.rows.map((r) => ({ value: r.value, totalMinor: r.amountMinor }));
    const totalMinor = page.rows[0]?.currencyTotalMinor ?? 0n;
    const other =
      page.total > shown.length
        ? { value: "Other", totalMinor: totalMinor - shown.reduce((n, r) => n + r.totalMinor, 0n) }
        : null;
    const bars = other ? [...shown, other] : shown;
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
    const { centers, cells } = await this.#costCenterPeriods(scoped, top);
    const periods = [...new Set(cells.map((c) => c.monthYear))].sort();
    const column = new Map(periods.map((p, i) => [p, i]));
    const row = new Map(centers.map((c, i) => [c.id, i]));
    const z: (number | null)[][] = centers.map(() => periods.map(() => null));
    for (const cell of cells)
      z[row.get(cell.costCenterId)!]![column.get(cell.monthYear)!] = chartNumber(cell.totalMinor, currency ?? "");
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
   * The heatmap's cells as points; highlighted are the cost center periods `/anomaly/detect`
   * reports for the same filter, direction, materiality and `changeThreshold` (its trend
   * findings, the same capped list). Row findings (z-score, isolation forest) are postings,
   * not periods, and are not drawn; findings outside the top cost centers are counted in the
   * title so the chart never silently shows fewer than the list.
   */
  async anomalyScatter({
    filter,
    changeThreshold,
    direction,
    minAmount,
    top,
  }: AnomalyScatterOptions): Promise<ChartSpec> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const cur = currency ?? "";
    const { centers, cells } = await this.#costCenterPeriods(scoped, top);
    // The caller's filter, not the currency-scoped one: detect ranks and caps across currencies.
    const segments = await this.#anomalies.trendSegments(
      { filter, ...(direction ? { direction } : {}), ...(minAmount !== undefined ? { minAmount } : {}) },
      { dimension: "cost_center_id", changeThreshold },
    );
    const found = new Map<string, string>();
    for (const f of segments.items)
      if (f.subject.kind === "segment" && f.currency === cur)
        found.set(`${f.subject.value ?? ""}\u0000${f.subject.monthYear}`, f.findings[0]!.contributions[0]!.detail);
    const labels = new Map(centers.map((c) => [c.id, c.label]));
    const normal: { x: string; y: number; label: string }[] = [];
    const unusual: typeof normal = [];
    for (const cell of cells) {
      const amount = `${amountOf(cell.totalMinor, cur)} ${cur}`.trim();
      const label = `${labels.get(cell.costCenterId)!} · ${cell.monthYear}: ${amount}`;
      const finding = found.get(`${cell.costCenterId}\u0000${cell.monthYear}`);
      const point = { x: cell.monthYear, y: chartNumber(cell.totalMinor, cur) };
      if (finding === undefined) normal.push({ ...point, label });
      else unusual.push({ ...point, label: `${label} (${finding})` });
    }
    const scope = [
      `month over month beyond ±${+(changeThreshold * 100).toFixed(1)}%`,
      ...(direction ? [`${direction}s only`] : []),
      ...(minAmount !== undefined ? [`at least ${minAmount}`] : []),
    ].join(", ");
    const notDrawn =
      unusual.length < found.size ? `; ${found.size - unusual.length} more outside the cost centers drawn` : "";
    const capped =
      segments.total > segments.items.length
        ? `; the strongest ${segments.items.length} of ${segments.total} findings, as /anomaly/detect`
        : "";
    return {
      id: "anomaly-scatter",
      kind: "scatter",
      title: `Cost center periods, anomalies highlighted${currencyNote(currency)}${notDrawn}${capped}`,
      unit: cur,
      xAxis: { title: "Fiscal period" },
      yAxis: { title: "Amount" },
      categories: [...new Set(cells.map((c) => c.monthYear))].sort(),
      series: [
        { name: "Normal", points: normal },
        { name: `Anomaly (${scope})`, points: unusual },
      ],
    };
  }

  /** The dashboard: headline figures and the four charts over the same filter. */
  async dashboard({ filter }: ChartOptions): Promise<{ view: DashboardView; specs: ChartSpec[] }> {
    const { currency, scoped } = await this.#oneCurrency(filter);
    const periods = await this.#periods(scoped);
    const total = periods.reduce((n, p) => n + p.totalMinor, 0n);
    const specs = [
      await this.trend({ filter: scoped }),
      await this.categoryBreakdown({ filter: scoped, dimension: "functional_area_name", chart: "pie", top: 10 }),
      await this.heatmap({ filter: scoped, top: 15 }),
      await this.anomalyScatter({ filter: scoped, changeThreshold: TREND_DEFAULTS.changeThreshold, top: 30 }),
    ];
    return {
      specs,
      view: {
        currency,
        kpis: {
          totalAmount: amountOf(total, currency ?? ""),
          lines: periods.reduce((n, p) => n + p.lines, 0),
          periods: periods.length,
          firstPeriod: periods[0]?.monthYear ?? null,
          lastPeriod: periods.at(-1)?.monthYear ?? null,
        },
        charts: specs.map((spec) => ({ id: spec.id, title: spec.title, figure: plotlyFigure(spec) })),
      },
    };
  }

  /** The filter narrowed to one currency (the one asked for, else the one most lines are in). */
  async #oneCurrency(filter: ExpenseFilter): Promise<{ currency: string | null; scoped: ExpenseFilter }> {
    const asked = filter.dimensions?.company_code_currency_key;
    if (asked !== undefined) return { currency: asked, scoped: filter };
    const lines = new Map<string, number>();
    for (const cell of await periodCells(this.#db, filter))
      lines.set(cell.currency, (lines.get(cell.currency) ?? 0) + cell.rows);
    const [currency] = [...lines].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([c]) => c);
    if (currency === undefined) return { currency: null, scoped: filter };
    return {
      currency,
      scoped: { ...filter, dimensions: { ...filter.dimensions, company_code_currency_key: currency } },
    };
  }

  /** Signed totals per fiscal period (`YYYY-PP`), in order; the filter names one currency. */
  async #periods(scoped: ExpenseFilter): Promise<{ monthYear: string; totalMinor: bigint; lines: number }[]> {
    const totals = await periodTotals(this.#db, scoped);
    return totals
      .map((t) => ({ monthYear: monthYear(t.fiscalYear, t.postingPeriod), totalMinor: t.amountMinor, lines: t.rows }))
      .sort((a, b) => (a.monthYear < b.monthYear ? -1 : 1))
      .slice(0, CHART_LIMITS.maxPeriods);
  }

  /**
   * The `top` cost centers by absolute spend (rank order, labelled with their names) and their
   * totals per period: the heatmap's cells and the scatter's points.
   */
  async #costCenterPeriods(scoped: ExpenseFilter, top: number) {
    const ranked = (
      await topValues(this.#db, scoped, "cost_center_id", top + 1, {
        byAbsoluteAmount: true,
        label: "cost_center_name",
      })
    )
      .filter((r): r is typeof r & { value: string } => r.value !== null)
      .slice(0, top);
    const centers = ranked.map((r) => ({
      id: r.value,
      label: chartLabel(r.label ? `${r.value} ${r.label}` : r.value),
    }));
    if (centers.length === 0) return { centers, cells: [] };
    const order = new Map(centers.map((c, i) => [c.id, i]));
    const totals = await periodTotals(this.#db, scoped, {
      dimension: "cost_center_id",
      values: centers.map((c) => c.id),
    });
    const cells = totals
      .map((t) => ({
        costCenterId: t.value!,
        monthYear: monthYear(t.fiscalYear, t.postingPeriod),
        totalMinor: t.amountMinor,
      }))
      .sort((a, b) => order.get(a.costCenterId)! - order.get(b.costCenterId)! || (a.monthYear < b.monthYear ? -1 : 1));
    return { centers, cells };
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

/** The decimal as a chart value. Charts plot numbers; sums stay exact until this point. */
const chartNumber = (minor: bigint, currency: string) => Number(amountOf(minor, currency));
const currencyNote = (currency: string | null) => (currency ? ` (${currency})` : "");
const dimensionTitle = (dimension: Dimension) => dimension.replaceAll("_", " ");
