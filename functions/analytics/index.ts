import type { FunctionDeclaration } from "../runtime/declarations.js";
// h-analytics-data
import { edaBreakdown, edaSummary, edaTimeseries } from "./eda-functions.js";

/** Analytics: exploration, anomalies, root-cause analysis, charts and chat over finance_expense. */
export const analyticsFunctions: readonly FunctionDeclaration[] = [
  // h-analytics-data
  edaSummary,
  edaBreakdown,
  edaTimeseries,
];
