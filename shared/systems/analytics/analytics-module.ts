import type { Kysely } from "kysely";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Clock } from "../../ports/clock.js";
import type { ANALYTICS_SETTINGS } from "./analytics-settings.js";
import type { AnalyticsTables } from "./analytics-tables.js";
// charts (h-analytics-charts)
import { ChartService } from "./chart-service.js";

export interface AnalyticsModuleDeps {
  readonly settings: SettingsOf<typeof ANALYTICS_SETTINGS>;
  /** The connection analytics queries run on (every query is pushed down to SQL). */
  readonly db: Kysely<AnalyticsTables>;
  readonly clock: Clock;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
}

/** The analytics system's face towards functions/: exploration, anomalies, RCA, charts, chat. */
export interface AnalyticsService {
  readonly settings: AnalyticsModuleDeps["settings"];
  // charts (h-analytics-charts)
  /** Chart specs from the aggregates, as Plotly figures or server-side SVG. */
  readonly charts: ChartService;
}

export function createAnalytics(deps: AnalyticsModuleDeps): AnalyticsService {
  return {
    settings: deps.settings,
    // charts (h-analytics-charts)
    charts: new ChartService(deps.db),
  };
}
