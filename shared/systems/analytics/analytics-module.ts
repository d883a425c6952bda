import type { Kysely } from "kysely";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Clock } from "../../ports/clock.js";
import type { ANALYTICS_SETTINGS } from "./analytics-settings.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { Exploration } from "./exploration.js";
// anomalies (h-analytics-anomalies)
import { createAnomalyService, type AnomalyService } from "./anomaly-service.js";
// ---- rca ----
import { RcaService, type BudgetReader } from "./rca-service.js";

export interface AnalyticsModuleDeps {
  readonly settings: SettingsOf<typeof ANALYTICS_SETTINGS>;
  /** The connection analytics queries run on (every query is pushed down to SQL). */
  readonly db: Kysely<AnalyticsTables>;
  readonly clock: Clock;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  // ---- rca ----
  /** The budgets' planned amounts (actual vs budget), customer isolation checked there. */
  readonly budgets: BudgetReader;
}

/** The analytics system's face towards functions/: exploration, anomalies, RCA, charts, chat. */
export interface AnalyticsService {
  readonly settings: AnalyticsModuleDeps["settings"];
  // h-analytics-data
  readonly exploration: Exploration;
  // anomalies (h-analytics-anomalies)
  /** Statistical (z-score / MAD), isolation-forest and trend anomalies, explained in one format. */
  readonly anomalies: AnomalyService;
  // ---- rca ----
  /** Root-cause analysis: exact decomposition of a change, evidence, importance, waterfall. */
  readonly rca: RcaService;
}

export function createAnalytics(deps: AnalyticsModuleDeps): AnalyticsService {
  return {
    settings: deps.settings,
    // h-analytics-data
    exploration: new Exploration(deps.db),
    // anomalies (h-analytics-anomalies)
    anomalies: createAnomalyService(deps.db),
    // ---- rca ----
    rca: new RcaService(deps.db, deps.budgets),
  };
}
