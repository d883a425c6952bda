import type { FunctionDeclaration } from "../runtime/declarations.js";
import { anomalyDetect, anomalyMl, anomalyStatistical, anomalyTrends } from "./anomaly-functions.js";
import {
  chartsAnomalyScatter,
  chartsAvailable,
  chartsCategoryBreakdown,
  chartsHeatmap,
  chartsTrend,
  dashboardGet,
} from "./chart-functions.js";
import {
  chatAsk,
  roomMessageChart,
  roomMessagesClear,
  roomMessagesList,
  roomsCreate,
  roomsDelete,
  roomsGet,
  roomsList,
  roomsUpdate,
} from "./chat-functions.js";
import { edaBreakdown, edaSummary, edaTimeseries } from "./eda-functions.js";
import {
  expenseImportRun,
  expenseImportsCreate,
  expenseImportsGet,
  expenseImportsList,
  expenseImportsRequeue,
} from "./expense-import-functions.js";
import { chartsRcaWaterfall, rcaAnalyze } from "./rca-functions.js";

/** Analytics: exploration, anomalies, root-cause analysis, charts and chat over finance_expense. */
export const analyticsFunctions: readonly FunctionDeclaration[] = [
  edaSummary,
  edaBreakdown,
  edaTimeseries,
  anomalyStatistical,
  anomalyMl,
  anomalyTrends,
  anomalyDetect,
  rcaAnalyze,
  chartsRcaWaterfall,
  chartsTrend,
  chartsCategoryBreakdown,
  chartsHeatmap,
  chartsAnomalyScatter,
  dashboardGet,
  chartsAvailable,
  roomsList,
  roomsCreate,
  roomsGet,
  roomsUpdate,
  roomsDelete,
  roomMessagesList,
  roomMessageChart,
  roomMessagesClear,
  chatAsk,
  expenseImportsCreate,
  expenseImportsList,
  expenseImportsGet,
  expenseImportRun,
  expenseImportsRequeue,
];
