import { z } from "zod";
import {
  ANOMALY_DEFAULTS,
  ANY_ROLE,
  CHARTS,
  CHART_LIMITS,
  SVG_SIZE_LIMITS,
  type ChartSpec,
  type Platform,
} from "../../shared/index.js";
import { httpFunction, type HttpOutcome } from "../runtime/declarations.js";
import { scopeShape } from "./anomaly-functions.js";
import { dimensionName, expenseFilterQuery, toExpenseFilter } from "./expense-filter-query.js";

/** How a chart comes back: the Plotly figure JSON, or `format=svg` (with `width`/`height`). */
export const renderingShape = {
  format: z.enum(["json", "svg"]).default("json"),
  width: z.coerce.number().int().min(SVG_SIZE_LIMITS.minWidth).max(SVG_SIZE_LIMITS.maxWidth).optional(),
  height: z.coerce.number().int().min(SVG_SIZE_LIMITS.minHeight).max(SVG_SIZE_LIMITS.maxHeight).optional(),
};

/** The expense filters every analytics route takes, the rendering, and the chart's own parameters. */
const chartQuery = <S extends z.ZodRawShape>(shape: S) => expenseFilterQuery({ ...renderingShape, ...shape });

const figure = z
  .object({
    data: z.array(z.record(z.string(), z.unknown())),
    layout: z.record(z.string(), z.unknown()),
  })
  .describe("A Plotly figure (plotly.js `{data, layout}`); with format=svg the same chart as image/svg+xml");

/** SVG is an active format: no scripts or outside loads even if one were ever opened directly. */
export const SVG_HEADERS = {
  "Content-Type": "image/svg+xml; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
} as const;

type Rendering = { format: "json" | "svg"; width?: number | undefined; height?: number | undefined };

/** The spec as the caller asked for it: Plotly JSON in the envelope, or the SVG itself. */
export async function rendered(
  platform: Platform,
  spec: ChartSpec,
  q: Rendering,
): Promise<HttpOutcome<z.infer<typeof figure>>> {
  const charts = platform.analytics.charts;
  if (q.format === "json") return { data: charts.figure(spec) as z.infer<typeof figure> };
  const svg = await charts.svg(spec, { width: q.width ?? 900, height: q.height ?? 500 });
  return { raw: { headers: { ...SVG_HEADERS }, body: svg } };
}

const chartRoute = { tags: ["analytics"], access: { roles: ANY_ROLE }, errors: [400] } as const;

export const chartsTrend = httpFunction({
  name: "charts-trend",
  route: "v1/charts/trend",
  method: "GET",
  summary: "Expense trend by fiscal period (one currency) as a Plotly figure, or SVG with format=svg",
  ...chartRoute,
  query: chartQuery({}),
  response: figure,
  handler: async ({ query }, { platform }) =>
    rendered(platform, await platform.analytics.charts.trend({ filter: toExpenseFilter(query) }), query),
});

export const chartsCategoryBreakdown = httpFunction({
  name: "charts-category-breakdown",
  route: "v1/charts/category-breakdown",
  method: "GET",
  summary: "Expenses by a dimension's values (top N and Other), pie or bar, as a Plotly figure or SVG",
  ...chartRoute,
  query: chartQuery({
    dimension: dimensionName.default("functional_area_name"),
    chart: z.enum(["pie", "bar"]).default("pie"),
    top: z.coerce.number().int().min(1).max(CHART_LIMITS.maxCategories).default(10),
  }),
  response: figure,
  handler: async ({ query }, { platform }) => {
    const spec = await platform.analytics.charts.categoryBreakdown({
      filter: toExpenseFilter(query),
      dimension: query.dimension,
      chart: query.chart,
      top: query.top,
    });
    return rendered(platform, spec, query);
  },
});

export const chartsHeatmap = httpFunction({
  name: "charts-heatmap",
  route: "v1/charts/heatmap",
  method: "GET",
  summary: "Cost center × fiscal period spend (the top N cost centers) as a Plotly heatmap or SVG",
  ...chartRoute,
  query: chartQuery({
    top: z.coerce.number().int().min(1).max(CHART_LIMITS.maxHeatmapCostCenters).default(15),
  }),
  response: figure,
  handler: async ({ query }, { platform }) =>
    rendered(
      platform,
      await platform.analytics.charts.heatmap({ filter: toExpenseFilter(query), top: query.top }),
      query,
    ),
});

export const chartsAnomalyScatter = httpFunction({
  name: "charts-anomaly-scatter",
  route: "v1/charts/anomaly-scatter",
  method: "GET",
  summary:
    "Cost center periods as points, highlighted exactly those GET /api/v1/anomaly/detect reports as trend findings for the same filters, direction, minAmount and changeThreshold; a Plotly figure or SVG",
  ...chartRoute,
  query: chartQuery({
    changeThreshold: z.coerce
      .number()
      .gt(0)
      .max(1000)
      .default(ANOMALY_DEFAULTS.trend.changeThreshold * 100)
      .describe("Percent month-over-month change that is unusual (as GET /api/v1/anomaly/detect)"),
    ...scopeShape,
    top: z.coerce.number().int().min(1).max(CHART_LIMITS.maxScatterCostCenters).default(30),
  }),
  response: figure,
  handler: async ({ query }, { platform }) => {
    const spec = await platform.analytics.charts.anomalyScatter({
      filter: toExpenseFilter(query),
      changeThreshold: query.changeThreshold / 100,
      ...(query.direction !== "both" ? { direction: query.direction } : {}),
      ...(query.minAmount !== undefined ? { minAmount: query.minAmount } : {}),
      top: query.top,
    });
    return rendered(platform, spec, query);
  },
});

export const dashboardGet = httpFunction({
  name: "dashboard-get",
  route: "v1/dashboard",
  method: "GET",
  summary:
    "Headline figures and the trend, breakdown, heatmap and anomaly charts; format=svg stacks the charts in one SVG",
  ...chartRoute,
  query: chartQuery({}),
  response: z.object({
    currency: z.string().nullable(),
    kpis: z.object({
      totalAmount: z.string(),
      lines: z.number().int(),
      periods: z.number().int(),
      firstPeriod: z.string().nullable(),
      lastPeriod: z.string().nullable(),
    }),
    charts: z.array(z.object({ id: z.string(), title: z.string(), figure })),
  }),
  handler: async ({ query }, { platform }) => {
    const { view, specs } = await platform.analytics.charts.dashboard({ filter: toExpenseFilter(query) });
    if (query.format === "json") return { data: view as never };
    const svg = await platform.analytics.charts.svg(specs, { width: query.width ?? 900, height: query.height ?? 450 });
    return { raw: { headers: { ...SVG_HEADERS }, body: svg } };
  },
});

export const chartsAvailable = httpFunction({
  name: "charts-available",
  route: "v1/charts/available",
  method: "GET",
  summary: "The charts this API draws: id, kind, route and parameters",
  tags: ["analytics"],
  access: { roles: ANY_ROLE },
  response: z.object({
    charts: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        route: z.string(),
        title: z.string(),
        parameters: z.array(z.string()),
      }),
    ),
    formats: z.array(z.string()),
  }),
  handler: async () => ({
    data: { charts: CHARTS.map((c) => ({ ...c, parameters: [...c.parameters] })), formats: ["json", "svg"] },
  }),
});
