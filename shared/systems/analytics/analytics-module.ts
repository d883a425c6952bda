import type { Kysely } from "kysely";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Clock } from "../../ports/clock.js";
import type { ANALYTICS_SETTINGS } from "./analytics-settings.js";
import type { AnalyticsTables } from "./analytics-tables.js";
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
  // ---- rca ----
  /** Root-cause analysis: exact decomposition of a change, evidence, importance, waterfall. */
  readonly rca: RcaService;
}

export function createAnalytics(deps: AnalyticsModuleDeps): AnalyticsService {
  return {
    settings: deps.settings,
    // ---- rca ----
    rca: new RcaService(deps.db, deps.budgets),
  };
}
