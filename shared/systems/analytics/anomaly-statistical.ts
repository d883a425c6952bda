import type { Kysely } from "kysely";
import { normalBand } from "../../kernel/outlier-stats.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { moneyText, severityOf, statisticText, type Anomaly } from "./anomaly-explanation.js";
import {
  countPeerOutliers,
  currenciesOf,
  evidenceView,
  peerOutliers,
  type PeerMethod,
  type PeerOutlierQuery,
  type PeerOutlierRow,
} from "./anomaly-repository.js";
import type { AnomalyScope } from "./anomaly-scope.js";

export interface StatisticalParams {
  /** `zscore`: mean ± k·sd; `mad`: median ± k·(1.4826·MAD), robust to the outliers themselves. */
  readonly method: PeerMethod;
  /** k: how many (robust) standard deviations from the centre is unusual; the seed's 2.5. */
  readonly threshold: number;
  /** The dimension whose values form the peer groups (within one currency). */
  readonly peerGroup: Dimension;
}

export const STATISTICAL_DEFAULTS: StatisticalParams = {
  method: "zscore",
  threshold: 2.5,
  peerGroup: "cost_center_id",
};

const METHOD = {
  zscore: { name: "z-score of the amount within its peer group", basis: "mean ± k·sd", centre: "mean" },
  mad: {
    name: "robust z-score: (amount − median) / (1.4826·MAD) within its peer group (mean absolute deviation when MAD = 0)",
    basis: "median ± k·1.4826·MAD",
    centre: "median",
  },
} as const;

/** Rows outside their peer group's normal band, most extreme first, `limit` from `offset`. */
export async function statisticalAnomalies(
  db: Kysely<AnalyticsTables>,
  scope: AnomalyScope,
  params: StatisticalParams,
  limit: number,
  offset: number,
): Promise<{ items: Anomaly[]; total: number }> {
  const query: PeerOutlierQuery = {
    method: params.method,
    peer: params.peerGroup,
    threshold: params.threshold,
    filter: scope.filter,
    currencies: await currenciesOf(db, scope.filter),
    ...(scope.direction ? { direction: scope.direction } : {}),
    ...(scope.minAmount !== undefined ? { minAmount: scope.minAmount } : {}),
  };
  const [rows, total] = await Promise.all([peerOutliers(db, query, limit, offset), countPeerOutliers(db, query)]);
  return { items: rows.map((row) => explainPeerOutlier(row, params)), total };
}

function explainPeerOutlier(row: PeerOutlierRow, params: StatisticalParams): Anomaly {
  const currency = row.company_code_currency_key;
  const z = (row.amount_minor - row.peer_centre) / row.peer_scale;
  const band = normalBand(row.peer_centre, row.peer_scale, params.threshold);
  const method = METHOD[params.method];
  const severity = severityOf(z, params.threshold);
  return {
    key: `row:${row.id}`,
    subject: { kind: "row", id: row.id },
    detectors: ["statistical"],
    rankScore: severity,
    direction: z > 0 ? "increase" : "decrease",
    amount: moneyText(row.amount_minor, currency),
    currency,
    findings: [
      {
        detector: "statistical",
        method: method.name,
        score: Math.abs(z),
        threshold: params.threshold,
        severity,
        contributions: [
          {
            feature: "amount",
            value: moneyText(row.amount_minor, currency),
            contribution: 1,
            detail: `${Math.abs(z).toFixed(2)} ${params.method === "mad" ? "robust " : ""}standard deviations ${z > 0 ? "above" : "below"} the ${method.centre} ${statisticText(row.peer_centre, currency)} of ${params.peerGroup} ${row.peer_value ?? "(none)"}`,
          },
        ],
        peerGroup: {
          dimensions: { [params.peerGroup]: row.peer_value, company_code_currency_key: currency },
          size: Number(row.peer_size),
          normalRange: {
            basis: method.basis,
            k: params.threshold,
            centre: statisticText(row.peer_centre, currency),
            low: statisticText(band.low, currency),
            high: statisticText(band.high, currency),
            currency,
          },
        },
      },
    ],
    evidence: [evidenceView(row, moneyText)],
  };
}
