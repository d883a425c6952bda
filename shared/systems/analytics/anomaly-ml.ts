import type { Kysely } from "kysely";
import {
  ATTRIBUTION_METHOD,
  Reservoir,
  TopScores,
  attributeFeatures,
  buildIsolationForest,
  scoreBatch,
  type IsolationForest,
} from "../../kernel/isolation-forest.js";
import { normalBand, standardScore } from "../../kernel/outlier-stats.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import {
  materialityMinor,
  moneyText,
  severityOf,
  statisticText,
  type Anomaly,
  type AnomalyContribution,
} from "./anomaly-explanation.js";
import {
  evidenceRows,
  evidenceView,
  pairCounts,
  peerMoments,
  streamRows,
  type PeerMoments,
  type StreamRow,
} from "./anomaly-repository.js";
import type { AnomalyScope } from "./anomaly-scope.js";

export interface MlParams {
  /** Expected share of anomalies: the top `contamination` of all scores are called anomalous. */
  readonly contamination: number;
  readonly trees: number;
  readonly subsample: number;
  readonly seed: number;
}

export const ML_DEFAULTS: MlParams = { contamination: 0.05, trees: 100, subsample: 256, seed: 42 };

/** Rows read per keyset batch (and scored per call): memory stays at one batch. */
export const ML_BATCH_ROWS = 5_000;
/** Most anomalies one run keeps (the top-k heap's size), whatever the contamination. */
export const ML_MAX_ANOMALIES = 50_000;
/** Most distinct peer groups a feature may have under the filter. */
const MAX_GROUPS = 200_000;
/** The band drawn around the cost centre's mean in an ML explanation (the statistical default k). */
const BAND_K = 2.5;

/**
 * The forest's features, one double each per row (scores, not money):
 * the amount's signed magnitude, its z-score within its cost centre and within its account
 * (same currency), the posting period (special periods 13–16 stand out), and how rare the
 * row's cost centre × account combination is.
 */
export const ML_FEATURES = [
  "amount",
  "amount_vs_cost_center",
  "amount_vs_account",
  "posting_period",
  "cost_center_account_rarity",
] as const;
const DIMS = ML_FEATURES.length;

interface Context {
  readonly costCenters: Map<string, PeerMoments>;
  readonly accounts: Map<string, PeerMoments>;
  readonly pairs: Map<string, number>;
  readonly rows: number;
}

const NO_PEERS: PeerMoments = { count: 0, mean: 0, sd: 0 };

function peersOf(ctx: Context, row: StreamRow) {
  return {
    costCenter: ctx.costCenters.get(`${row.cost_center_id ?? ""}\u0000${row.company_code_currency_key}`) ?? NO_PEERS,
    account: ctx.accounts.get(`${row.general_ledger_account ?? ""}\u0000${row.company_code_currency_key}`) ?? NO_PEERS,
    pair: ctx.pairs.get(`${row.cost_center_id ?? ""}\u0000${row.general_ledger_account ?? ""}`) ?? 1,
  };
}

function featurize(ctx: Context, row: StreamRow, out: Float64Array, offset: number): void {
  const peers = peersOf(ctx, row);
  const a = row.amount_minor;
  out[offset] = Math.sign(a) * Math.log10(1 + Math.abs(a));
  out[offset + 1] = standardScore(a, peers.costCenter.mean, peers.costCenter.sd);
  out[offset + 2] = standardScore(a, peers.account.mean, peers.account.sd);
  out[offset + 3] = row.posting_period;
  out[offset + 4] = -Math.log10(peers.pair / Math.max(1, ctx.rows));
}

export interface MlCandidate {
  readonly id: number;
  readonly score: number;
}

export interface MlRun {
  readonly forest: IsolationForest;
  readonly context: Context;
  /** The score at the contamination cut: a row scoring at least this is anomalous. */
  readonly threshold: number;
  /** Anomalies passing the direction and materiality filters, highest score first. */
  readonly candidates: readonly MlCandidate[];
  readonly rowsScored: number;
  /** True when the contamination asked for more anomalies than ML_MAX_ANOMALIES. */
  readonly truncated: boolean;
}

/**
 * Two streamed passes in id order: a seeded reservoir sample grows the forest, then every
 * row is scored in batches into two fixed-size heaps (all rows, for the contamination cut;
 * rows passing the filters, for the answer). Same data and seed, same answer.
 */
export async function runIsolationForest(
  db: Kysely<AnalyticsTables>,
  scope: AnomalyScope,
  params: MlParams,
): Promise<MlRun> {
  const [costCenters, accounts, pairs] = await Promise.all([
    peerMoments(db, "cost_center_id", scope.filter, MAX_GROUPS),
    peerMoments(db, "general_ledger_account", scope.filter, MAX_GROUPS),
    pairCounts(db, scope.filter, MAX_GROUPS),
  ]);
  let rows = 0;
  for (const n of pairs.values()) rows += n;
  const context: Context = { costCenters, accounts, pairs, rows };

  const reservoir = new Reservoir(Math.min(params.trees * params.subsample, 65_536), DIMS, params.seed);
  const features = new Float64Array(ML_BATCH_ROWS * DIMS);
  for await (const batch of streamRows(db, scope.filter, ML_BATCH_ROWS)) {
    for (let i = 0; i < batch.length; i++) {
      featurize(context, batch[i]!, features, i * DIMS);
      reservoir.offer(features, i * DIMS);
    }
  }
  if (reservoir.seen === 0) {
    const forest = buildIsolationForest(new Float64Array(DIMS), DIMS, params);
    return { forest, context, threshold: 1, candidates: [], rowsScored: 0, truncated: false };
  }
  const forest = buildIsolationForest(reservoir.rows(), DIMS, params);

  const wanted = Math.max(1, Math.ceil(params.contamination * reservoir.seen));
  const k = Math.min(wanted, ML_MAX_ANOMALIES);
  const all = new TopScores(k);
  const passing = new TopScores(k);
  const materiality = new Map<string, number>();
  const scores = new Float64Array(ML_BATCH_ROWS);
  let scored = 0;
  for await (const batch of streamRows(db, scope.filter, ML_BATCH_ROWS)) {
    for (let i = 0; i < batch.length; i++) featurize(context, batch[i]!, features, i * DIMS);
    scoreBatch(forest, features, batch.length, scores);
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      const score = scores[i]!;
      all.offer(score, row.id);
      if (score < passing.floor) continue;
      if (scope.direction) {
        const up = row.amount_minor > peersOf(context, row).costCenter.mean;
        if (up !== (scope.direction === "increase")) continue;
      }
      if (scope.minAmount !== undefined) {
        const currency = row.company_code_currency_key;
        let min = materiality.get(currency);
        if (min === undefined) materiality.set(currency, (min = materialityMinor(scope.minAmount, currency)));
        if (Math.abs(row.amount_minor) < min) continue;
      }
      passing.offer(score, row.id);
    }
    scored += batch.length;
  }
  const threshold = all.floor === -Infinity ? 0 : all.floor;
  const candidates = passing
    .sorted()
    .filter((e) => e.score >= threshold)
    .map((e) => ({ id: e.key, score: e.score }));
  return { forest, context, threshold, candidates, rowsScored: scored, truncated: wanted > k };
}

/** The anomalies of `candidates` (a page or the detect cap), explained. */
export async function explainMlCandidates(
  db: Kysely<AnalyticsTables>,
  run: MlRun,
  candidates: readonly MlCandidate[],
): Promise<Anomaly[]> {
  const rows = await evidenceRows(
    db,
    candidates.map((c) => c.id),
  );
  const out: Anomaly[] = [];
  const features = new Float64Array(DIMS);
  for (const candidate of candidates) {
    const row = rows.get(candidate.id);
    if (!row) continue;
    featurize(run.context, row, features, 0);
    const shares = attributeFeatures(run.forest, features);
    const peers = peersOf(run.context, row);
    const currency = row.company_code_currency_key;
    const contributions: AnomalyContribution[] = ML_FEATURES.map((feature, d) => ({
      feature,
      value: featureValue(feature, row.amount_minor, currency, features[d]!, peers.pair),
      contribution: shares[d]!,
      detail: featureDetail(feature, features[d]!, peers.pair, run.context.rows),
    })).sort((a, b) => b.contribution - a.contribution);
    const band = normalBand(peers.costCenter.mean, peers.costCenter.sd, BAND_K);
    const severity = severityOf(candidate.score, run.threshold);
    out.push({
      key: `row:${row.id}`,
      subject: { kind: "row", id: row.id },
      detectors: ["ml"],
      rankScore: severity,
      direction: row.amount_minor > peers.costCenter.mean ? "increase" : "decrease",
      amount: moneyText(row.amount_minor, currency),
      currency,
      findings: [
        {
          detector: "ml",
          method: `isolation forest (${run.forest.trees} trees, subsample ${run.forest.subsample}, seeded); attribution: ${ATTRIBUTION_METHOD}`,
          score: candidate.score,
          threshold: run.threshold,
          severity,
          contributions,
          peerGroup: {
            dimensions: { cost_center_id: row.cost_center_id, company_code_currency_key: currency },
            size: peers.costCenter.count,
            normalRange: {
              basis: "mean ± k·sd",
              k: BAND_K,
              centre: statisticText(peers.costCenter.mean, currency),
              low: statisticText(band.low, currency),
              high: statisticText(band.high, currency),
              currency,
            },
          },
        },
      ],
      evidence: [evidenceView(row, moneyText)],
    });
  }
  return out;
}

function featureValue(
  feature: (typeof ML_FEATURES)[number],
  amountMinor: number,
  currency: string,
  value: number,
  pair: number,
): string {
  switch (feature) {
    case "amount":
      return moneyText(amountMinor, currency);
    case "posting_period":
      return String(value);
    case "cost_center_account_rarity":
      return String(pair);
    default:
      return value.toFixed(2);
  }
}

function featureDetail(feature: (typeof ML_FEATURES)[number], value: number, pair: number, rows: number): string {
  switch (feature) {
    case "amount":
      return "the amount's size (log scale)";
    case "amount_vs_cost_center":
      return `${value.toFixed(2)} standard deviations from its cost centre's mean`;
    case "amount_vs_account":
      return `${value.toFixed(2)} standard deviations from its account's mean`;
    case "posting_period":
      return value >= 13 ? `special period ${value}` : `posting period ${value}`;
    case "cost_center_account_rarity":
      return `${pair} of ${rows} rows share this cost centre × account`;
  }
}
