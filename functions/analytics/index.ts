import type { FunctionDeclaration } from "../runtime/declarations.js";
// ---- rca ----
import { chartsRcaWaterfall, rcaAnalyze } from "./rca-functions.js";

/** Analytics: exploration, anomalies, root-cause analysis, charts and chat over finance_expense. */
export const analyticsFunctions: readonly FunctionDeclaration[] = [
  // ---- rca ----
  rcaAnalyze,
  chartsRcaWaterfall,
];
