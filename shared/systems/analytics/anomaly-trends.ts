import type { Kysely } from "kysely";
import { relativeChange } from "../../kernel/outlier-stats.js";
import { monthYear, type Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { materialityMinor, moneyText, severityOf, statisticText, type Anomaly } from "./anomaly-explanation.js";
import { evidenceView, monthlyTotals, segmentEvidence, type PeriodTotal } from "./anomaly-repository.js";
import type { AnomalyScope } from "./anomaly-scope.js";

export interface TrendParams {
  /** The dimension whose values are compared month over month. */
  readonly dimension: Dimension;
  /** Relative change that is unusual (0.3 = 30%, the seed's default). */
  readonly changeThreshold: number;
}

export const TREND_DEFAULTS: TrendParams = { dimension: "cost_center_id", changeThreshold: 0.3 };

/** Most (value × currency × month) cells a trend run reads. */
const MAX_CELLS = 200_000;
/** Evidence rows shown per segment: its largest postings that month. */
const EVIDENCE_ROWS = 5;

interface TrendHit {
  readonly previous: PeriodTotal;
  readonly current: PeriodTotal;
  readonly change: number;
}

/**
 * Month-over-month changes beyond the threshold per dimension value (and currency), from
 * monthly totals summed in SQL. The previous period of P01 is P12 of the year before;
 * special periods 13–16 are not months and take no part. A value with no postings the month
 * before has no base to compare with (the RCA's new segments show those).
 */
export async function trendAnomalies(
  db: Kysely<AnalyticsTables>,
  scope: AnomalyScope,
  params: TrendParams,
): Promise<Anomaly[]> {
  const totals = await monthlyTotals(db, params.dimension, scope.filter, MAX_CELLS);
  const byCell = new Map<string, PeriodTotal>();
  const cell = (t: { value: string | null; currency: string; fiscalYear: number; period: number }) =>
    `${t.value ?? "\u0000"}\u0001${t.currency}\u0001${t.fiscalYear}\u0001${t.period}`;
  for (const t of totals) byCell.set(cell(t), t);
  const hits: TrendHit[] = [];
  for (const current of totals) {
    const before =
      current.period > 1
        ? { ...current, period: current.period - 1 }
        : { ...current, fiscalYear: current.fiscalYear - 1, period: 12 };
    const previous = byCell.get(cell(before));
    if (!previous) continue;
    const change = relativeChange(previous.totalMinor, current.totalMinor);
    if (change === null || Math.abs(change) <= params.changeThreshold) continue;
    const delta = current.totalMinor - previous.totalMinor;
    if (scope.direction === "increase" && delta <= 0) continue;
    if (scope.direction === "decrease" && delta >= 0) continue;
    if (scope.minAmount !== undefined && Math.abs(delta) < materialityMinor(scope.minAmount, current.currency))
      continue;
    hits.push({ previous, current, change });
  }
  return hits.map((hit) => explainTrend(hit, params));
}

function explainTrend(hit: TrendHit, params: TrendParams): Anomaly {
  const { previous, current, change } = hit;
  const currency = current.currency;
  const period = monthYear(current.fiscalYear, current.period);
  const before = monthYear(previous.fiscalYear, previous.period);
  const delta = BigInt(current.totalMinor) - BigInt(previous.totalMinor);
  const severity = severityOf(change, params.changeThreshold);
  const base = Math.abs(previous.totalMinor);
  const pct = (change * 100).toFixed(1);
  return {
    key: `segment:${params.dimension}=${current.value ?? ""}@${period}:${currency}`,
    subject: { kind: "segment", dimension: params.dimension, value: current.value, monthYear: period },
    detectors: ["trend"],
    rankScore: severity,
    direction: delta > 0n ? "increase" : "decrease",
    amount: moneyText(delta, currency),
    currency,
    findings: [
      {
        detector: "trend",
        method: "month-over-month change of the segment's total against the previous period",
        score: Math.abs(change),
        threshold: params.changeThreshold,
        severity,
        contributions: [
          {
            feature: params.dimension,
            value: current.value ?? "(none)",
            contribution: 1,
            detail: `${moneyText(previous.totalMinor, currency)} in ${before} → ${moneyText(current.totalMinor, currency)} in ${period} (${change > 0 ? "+" : ""}${pct}%, ${moneyText(delta, currency)} ${currency})`,
          },
        ],
        peerGroup: {
          dimensions: { [params.dimension]: current.value, company_code_currency_key: currency, month_year: before },
          size: previous.rows,
          normalRange: {
            basis: "previous period ± threshold",
            k: params.changeThreshold,
            centre: moneyText(previous.totalMinor, currency),
            low: statisticText(previous.totalMinor - params.changeThreshold * base, currency),
            high: statisticText(previous.totalMinor + params.changeThreshold * base, currency),
            currency,
          },
        },
      },
    ],
    evidence: [],
  };
}

/** Attaches each segment's largest postings (only for the anomalies shown: one query each). */
export async function withTrendEvidence(
  db: Kysely<AnalyticsTables>,
  scope: AnomalyScope,
  items: readonly Anomaly[],
): Promise<Anomaly[]> {
  return Promise.all(
    items.map(async (item) => {
      if (item.subject.kind !== "segment" || item.evidence.length > 0) return item;
      const [year, period] = item.subject.monthYear.split("-").map(Number) as [number, number];
      const rows = await segmentEvidence(
        db,
        item.subject.dimension as Dimension,
        item.subject.value,
        item.currency,
        year,
        period,
        scope.filter,
        EVIDENCE_ROWS,
      );
      return { ...item, evidence: rows.map((r) => evidenceView(r, moneyText)) };
    }),
  );
}

/** Largest relative change first, then the larger amount. */
export function rankTrends(items: Anomaly[]): Anomaly[] {
  return items.sort(
    (a, b) =>
      b.findings[0]!.score - a.findings[0]!.score ||
      Math.abs(Number(b.amount)) - Math.abs(Number(a.amount)) ||
      (a.key < b.key ? -1 : 1),
  );
}
