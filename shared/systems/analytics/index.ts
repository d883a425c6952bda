// The analytics system's public face: other systems, the root and functions/ reach it here only.
export { ANALYTICS_SETTINGS } from "./analytics-settings.js";
export { analyticsMigrations } from "./analytics-migrations.js";
export type { AnalyticsTables, FinanceExpenseTable } from "./analytics-tables.js";
export { DIMENSIONS, isDimension, isSpecialPeriod, monthYear, type Dimension } from "./analytics-dimensions.js";
export type { ExpenseFilter } from "./expense-filter.js";
export { createAnalytics, type AnalyticsService } from "./analytics-module.js";
export { ANALYTICS_QUEUES } from "./analytics-queues.js";
export type { ExpenseImportTables } from "./expense-import-tables.js";
export type { ExpenseImportAccepted, ExpenseImportMessage, ExpenseImportView } from "./expense-imports.js";
// ---- rca ----
export {
  RCA_DEFAULT_BUDGET_DIMENSIONS,
  RCA_DEFAULT_DIMENSIONS,
  RCA_MAX_DEPTH,
  RCA_MAX_DIMENSIONS,
  RcaService,
  rangeLabel,
  type BudgetReader,
  type CurrencyRca,
  type ExplainedSegment,
  type RcaRequest,
  type RcaResult,
} from "./rca-service.js";
export { BUDGET_DIMENSIONS, fiscalPeriodSpan } from "./rca-budget.js";
export {
  DEFAULT_DECOMPOSITION,
  IMPORTANCE_METHOD,
  decompose,
  partitionOf,
  type Cell,
  type CellSource,
  type CurrencyDecomposition,
  type CurrencyTotal,
  type Segment,
} from "./rca-decomposition.js";
export type { EvidenceRow, PeriodRange } from "./rca-repository.js";
export { rcaWaterfall, type RcaWaterfall, type RcaWaterfallStep } from "./rca-waterfall.js";
export { amountOf, rcaView, rcaWaterfallSteps, waterfallView, type RcaView } from "./rca-view.js";

// Data: expense lines, the synthetic dataset with its planted facts, seeding.
export { EXPENSE_LINE_FIELDS, expenseFingerprint, toExpenseRow, type ExpenseLine } from "./expense-line.js";
export {
  PLANTED,
  PLANTED_ROW_COUNT,
  SYNTHETIC_FISCAL_YEARS,
  DEFAULT_SYNTHETIC_SEED,
  syntheticExpenses,
  typicalPostingMinor,
  type SyntheticExpenseOptions,
} from "./synthetic-expenses.js";
export { seedExpenses } from "./expense-seed.js";
export { expenseInsertChunk } from "./expense-repository.js";
export { compactExpenseCells, hasExpenseCells, rebuildExpenseCells } from "./expense-cells-repository.js";

// Exploration: reusable SQL aggregates and the EDA service; who may read and load.
export { ANALYTICS_READERS, ANALYTICS_IMPORTERS } from "./analytics-roles.js";
export * as expenseQueries from "./expense-repository.js";
export {
  Exploration,
  GRANULARITIES,
  SUMMARY_DIMENSIONS,
  bucketOf,
  money,
  percent,
  postingPeriodBefore,
  type FiscalPeriod,
  type Granularity,
  type WireMoney,
} from "./exploration.js";
// anomalies (h-analytics-anomalies)
export {
  ANOMALY_DEFAULTS,
  DETECT_CAP_PER_DETECTOR,
  type AnomalyService,
  type DetectParams,
  type PageRequest,
} from "./anomaly-service.js";
export type { AnomalyScope } from "./anomaly-scope.js";
export type { StatisticalParams } from "./anomaly-statistical.js";
export { ML_FEATURES, type MlParams } from "./anomaly-ml.js";
export type { TrendParams } from "./anomaly-trends.js";
export type {
  Anomaly,
  AnomalyContribution,
  AnomalyDetector,
  AnomalyDirection,
  AnomalyEvidence,
  AnomalyFinding,
  AnomalyPage,
} from "./anomaly-explanation.js";
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
export { ChatService, type ChatCaller, type MessageView, type RoomView } from "./chat-service.js";
