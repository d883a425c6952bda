import type { FunctionDeclaration } from "../runtime/declarations.js";
// anomalies (h-analytics-anomalies)
import { anomalyDetect, anomalyMl, anomalyStatistical, anomalyTrends } from "./anomaly-functions.js";

/** Analytics: exploration, anomalies, root-cause analysis, charts and chat over finance_expense. */
export const analyticsFunctions: readonly FunctionDeclaration[] = [
  // anomalies (h-analytics-anomalies)
  anomalyStatistical,
  anomalyMl,
  anomalyTrends,
  anomalyDetect,
];
