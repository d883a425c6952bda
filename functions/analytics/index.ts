import type { FunctionDeclaration } from "../runtime/declarations.js";
// charts (h-analytics-charts)
import {
  chartsAnomalyScatter,
  chartsAvailable,
  chartsCategoryBreakdown,
  chartsHeatmap,
  chartsTrend,
  dashboardGet,
} from "./chart-functions.js";

/** Analytics: exploration, anomalies, root-cause analysis, charts and chat over finance_expense. */
export const analyticsFunctions: readonly FunctionDeclaration[] = [
  // charts (h-analytics-charts)
  chartsTrend,
  chartsCategoryBreakdown,
  chartsHeatmap,
  chartsAnomalyScatter,
  dashboardGet,
  chartsAvailable,
];
