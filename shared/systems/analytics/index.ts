// The analytics system's public face: other systems, the root and functions/ reach it here only.
export { ANALYTICS_SETTINGS } from "./analytics-settings.js";
export { analyticsMigrations } from "./analytics-migrations.js";
export type { AnalyticsTables, FinanceExpenseTable } from "./analytics-tables.js";
export { DIMENSIONS, isDimension, isSpecialPeriod, monthYear, type Dimension } from "./analytics-dimensions.js";
export type { ExpenseFilter } from "./expense-filter.js";
export { createAnalytics, type AnalyticsService } from "./analytics-module.js";
// charts (h-analytics-charts)
export {
  CHARTS,
  CHART_LIMITS,
  ChartService,
  waterfallFigure,
  waterfallSpec,
  type AnomalyScatterOptions,
  type BreakdownOptions,
  type DashboardView,
} from "./chart-service.js";
