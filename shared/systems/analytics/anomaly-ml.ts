import type { Kysely } from "kysely";
import {
  ATTRIBUTION_METHOD,
  Reservoir,
  TopScores,
  attributeFeatures,
  buildIsolationForest,
  scoreColumns,
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
  streamIds,
  streamRows,
  streamRowsById,
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
/** Sample rows fetched per `id IN (…)` (SQL Server takes 2,100 parameters). */
const FETCH_BATCH = 1_000;
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

/**
 * The row's features into `out`: feature d at `offset + d * step` (step 1 for one row-major
 * row, the batch's capacity for a column-major batch).
 */
function featurize(ctx: Context, row: StreamRow, out: Float64Array, offset: number, step = 1): void {
  const peers = peersOf(ctx, row);
  const a = row.amount_minor;
  out[offset] = Math.sign(a) * Math.log10(1 + Math.abs(a));
  out[offset + step] = standardScore(a, peers.costCenter.mean, peers.costCenter.sd);
  out[offset + 2 * step] = standardScore(a, peers.account.mean, peers.account.sd);
  out[offset + 3 * step] = row.posting_period;
  out[offset + 4 * step] = -Math.log10(peers.pair / Math.max(1, ctx.rows));
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
 * Two passes in id order. The first draws the seeded reservoir sample that grows the forest:
 * which positions it holds depends only on the row count, so only ids are counted and just
 * the sampled rows are read. The second streams every row in batches, featurised column by
 * column and scored tree by tree, into two fixed-size heaps (all rows, for the contamination
 * cut; rows passing the filters, for the answer). Same data and seed, same answer.
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

  const capacity = Math.min(params.trees * params.subsample, 65_536);
  let sample = await drawSample(db, scope, context, capacity, rows, params.seed);
  // Rows added or removed since the count: draw again on the count the ids gave.
  if (sample.seen !== rows) sample = await drawSample(db, scope, context, capacity, sample.seen, params.seed);
  if (sample.seen === 0) {
    const forest = buildIsolationForest(new Float64Array(DIMS), DIMS, params);
    return { forest, context, threshold: 1, candidates: [], rowsScored: 0, truncated: false };
  }
  const forest = buildIsolationForest(sample.rows, DIMS, params);

  const wanted = Math.max(1, Math.ceil(params.contamination * sample.seen));
  const k = Math.min(wanted, ML_MAX_ANOMALIES);
  const all = new TopScores(k);
  const passing = new TopScores(k);
  const materiality = new Map<string, number>();
  const columns = new Float64Array(ML_BATCH_ROWS * DIMS);
  const scores = new Float64Array(ML_BATCH_ROWS);
  let scored = 0;
  for await (const batch of streamRows(db, scope.filter, ML_BATCH_ROWS)) {
    for (let i = 0; i < batch.length; i++) featurize(context, batch[i]!, columns, i, ML_BATCH_ROWS);
    scoreColumns(forest, columns, batch.length, ML_BATCH_ROWS, scores);
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

/**
 * The reservoir sample of `count` rows (row-major features, in slot order), read by position:
 * ids are counted in keyset batches, the sampled ones fetched and featurised into their slots.
 * `seen` is the number of ids there were (≠ count when rows changed since the count).
 */
async function drawSample(
  db: Kysely<AnalyticsTables>,
  scope: AnomalyScope,
  context: Context,
  capacity: number,
  count: number,
  seed: number,
): Promise<{ rows: Float64Array; seen: number }> {
  const positions = Reservoir.positions(capacity, count, seed);
  // Slots in position order: the ids stream by position, so a cursor walks both once.
  const slots = Int32Array.from(positions.keys()).sort((a, b) => positions[a]! - positions[b]!);
  const rows = new Float64Array(positions.length * DIMS);
  let seen = 0;
  let next = 0;
  let wanted: { id: number; slot: number }[] = [];
  const fetch = async () => {
    const found = await streamRowsById(
      db,
      wanted.map((w) => w.id),
    );
    const byId = new Map(found.map((r) => [r.id, r]));
    for (const w of wanted) {
      const row = byId.get(w.id);
      if (row) featurize(context, row, rows, w.slot * DIMS);
    }
    wanted = [];
  };
  for await (const ids of streamIds(db, scope.filter, ML_BATCH_ROWS)) {
    while (next < slots.length && positions[slots[next]!]! < seen + ids.length) {
      const slot = slots[next++]!;
      wanted.push({ id: ids[positions[slot]! - seen]!, slot });
      if (wanted.length >= FETCH_BATCH) await fetch();
    }
    seen += ids.length;
  }
  await fetch();
  return { rows: rows.subarray(0, Math.min(seen, positions.length) * DIMS), seen };
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
