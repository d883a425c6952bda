import type { Kysely } from "kysely";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Clock } from "../../ports/clock.js";
import type { ANALYTICS_SETTINGS } from "./analytics-settings.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { createAnomalyService, type AnomalyService } from "./anomaly-service.js";
import { ChartService } from "./chart-service.js";
import { Exploration } from "./exploration.js";
import { RcaService, type BudgetReader } from "./rca-service.js";

export interface AnalyticsModuleDeps {
  readonly settings: SettingsOf<typeof ANALYTICS_SETTINGS>;
  /** The connection analytics queries run on (every query is pushed down to SQL). */
  readonly db: Kysely<AnalyticsTables>;
  readonly clock: Clock;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  /** The budgets' planned amounts (actual vs budget), customer isolation checked there. */
  readonly budgets: BudgetReader;
}

/** The analytics system's face towards functions/: exploration, anomalies, RCA, charts, chat. */
export interface AnalyticsService {
  readonly settings: AnalyticsModuleDeps["settings"];
  /** Exploration: summary, breakdowns and time series over reusable SQL. */
  readonly exploration: Exploration;
  /** Statistical (z-score / MAD), isolation-forest and trend anomalies, explained in one format. */
  readonly anomalies: AnomalyService;
  /** Root-cause analysis: exact decomposition of a change, evidence, importance, waterfall. */
  readonly rca: RcaService;
  /** Chart specs from the aggregates, as Plotly figures or server-side SVG. */
  readonly charts: ChartService;
}

export function createAnalytics(deps: AnalyticsModuleDeps): AnalyticsService {
  return {
    settings: deps.settings,
    exploration: new Exploration(deps.db),
    anomalies: createAnomalyService(deps.db),
    rca: new RcaService(deps.db, deps.budgets),
    charts: new ChartService(deps.db),
  };
}
