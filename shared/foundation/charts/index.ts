// Charts: one spec per chart, rendered as Plotly figure JSON or as server-side SVG (ECharts).
export {
  CHART_KINDS,
  MAX_LABEL_CHARS,
  chartLabel,
  mapChartText,
  waterfallLevels,
  type AxisSpec,
  type CategoryChartSpec,
  type ChartKind,
  type ChartSpec,
  type HeatmapChartSpec,
  type ScatterChartSpec,
  type ScatterPoint,
  type WaterfallChartSpec,
  type WaterfallStep,
} from "./chart-spec.js";
export { plotlyFigure, type PlotlyFigure } from "./plotly-figure.js";
export {
  ChartTooLargeError,
  DEFAULT_SVG_SIZE,
  MAX_SVG_BYTES,
  SVG_SIZE_LIMITS,
  renderChartSvg,
  renderChartsSvg,
  type SvgSize,
} from "./echarts-svg.js";
