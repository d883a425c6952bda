import type { Kysely } from "kysely";
import type { AnalyticsTables } from "./analytics-tables.js";
import { mergeAnomalies, type Anomaly, type AnomalyPage } from "./anomaly-explanation.js";
import { explainMlCandidates, runIsolationForest, ML_DEFAULTS, type MlParams } from "./anomaly-ml.js";
import type { AnomalyScope } from "./anomaly-scope.js";
import { statisticalAnomalies, STATISTICAL_DEFAULTS, type StatisticalParams } from "./anomaly-statistical.js";
import { rankTrends, trendAnomalies, TREND_DEFAULTS, withTrendEvidence, type TrendParams } from "./anomaly-trends.js";

export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

export interface DetectParams {
  readonly statistical: StatisticalParams;
  readonly ml: MlParams;
  readonly trend: TrendParams;
}

/** Most findings each detector hands to `detect` before merging (its strongest). */
export const DETECT_CAP_PER_DETECTOR = 1_000;

/** The trend findings `detect` merges: its strongest `items` (at most the cap) of `total`. */
export interface TrendSegments {
  readonly items: Anomaly[];
  readonly total: number;
}

/** The anomaly detectors, each answering pages of explained anomalies in one format. */
export interface AnomalyService {
  statistical(scope: AnomalyScope, params: StatisticalParams, page: PageRequest): Promise<AnomalyPage>;
  ml(
    scope: AnomalyScope,
    params: MlParams,
    page: PageRequest,
  ): Promise<AnomalyPage & { threshold: number; rowsScored: number }>;
  trends(scope: AnomalyScope, params: TrendParams, page: PageRequest): Promise<AnomalyPage>;
  /**
   * The trend findings exactly as `detect` takes them (ranked, the strongest
   * `DETECT_CAP_PER_DETECTOR`), without evidence rows: what the anomaly scatter marks, so the
   * chart and `/anomaly/detect` never disagree for the same scope and parameters.
   */
  trendSegments(scope: AnomalyScope, params: TrendParams): Promise<TrendSegments>;
  /** All three, the same row or segment merged into one entry naming each detector, ranked. */
  detect(scope: AnomalyScope, params: DetectParams, page: PageRequest): Promise<AnomalyPage>;
}

export const ANOMALY_DEFAULTS: DetectParams = {
  statistical: STATISTICAL_DEFAULTS,
  ml: ML_DEFAULTS,
  trend: TREND_DEFAULTS,
};

export function createAnomalyService(db: Kysely<AnalyticsTables>): AnomalyService {
  const offsetOf = (page: PageRequest) => (page.page - 1) * page.pageSize;
  const detectedTrends = async (scope: AnomalyScope, params: TrendParams): Promise<TrendSegments> => {
    const all = rankTrends(await trendAnomalies(db, scope, params));
    return { items: all.slice(0, DETECT_CAP_PER_DETECTOR), total: all.length };
  };
  const slice = <T>(items: readonly T[], page: PageRequest) =>
    items.slice(offsetOf(page), offsetOf(page) + page.pageSize);
  return {
    async statistical(scope, params, page) {
      const { items, total } = await statisticalAnomalies(db, scope, params, page.pageSize, offsetOf(page));
      return { items, total, page: page.page, pageSize: page.pageSize, truncated: false };
    },
    async ml(scope, params, page) {
      const run = await runIsolationForest(db, scope, params);
      const items = await explainMlCandidates(db, run, slice(run.candidates, page));
      return {
        items,
        total: run.candidates.length,
        page: page.page,
        pageSize: page.pageSize,
        truncated: run.truncated,
        threshold: run.threshold,
        rowsScored: run.rowsScored,
      };
    },
    async trends(scope, params, page) {
      const all = rankTrends(await trendAnomalies(db, scope, params));
      const items = await withTrendEvidence(db, scope, slice(all, page));
      return { items, total: all.length, page: page.page, pageSize: page.pageSize, truncated: false };
    },
    trendSegments: detectedTrends,
    async detect(scope, params, page) {
      const cap = DETECT_CAP_PER_DETECTOR;
      const statistical = await statisticalAnomalies(db, scope, params.statistical, cap, 0);
      const run = await runIsolationForest(db, scope, params.ml);
      const ml = await explainMlCandidates(db, run, run.candidates.slice(0, cap));
      const trends = await detectedTrends(scope, params.trend);
      const merged: Anomaly[] = mergeAnomalies([statistical.items, ml, trends.items]);
      const items = await withTrendEvidence(db, scope, slice(merged, page));
      const truncated = statistical.total > cap || run.candidates.length > cap || trends.total > cap || run.truncated;
      return { items, total: merged.length, page: page.page, pageSize: page.pageSize, truncated };
    },
  };
}
