import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Reservoir,
  TopScores,
  anomalyScore,
  attributeFeatures,
  averagePathLength,
  buildIsolationForest,
  scoreBatch,
  scoreColumns,
} from "../../../shared/kernel/isolation-forest.js";
import { seededRandom } from "../../../shared/kernel/seeded-random.js";

/** 500 normal points around (0, 0) in two features, plus two planted outliers. */
function crafted(seed = 7): { rows: Float64Array; outliers: number[] } {
  const random = seededRandom(seed);
  const n = 502;
  const rows = new Float64Array(n * 2);
  for (let i = 0; i < 500; i++) {
    rows[i * 2] = random() * 2 - 1;
    rows[i * 2 + 1] = random() * 2 - 1;
  }
  // 500: far out on feature 0 only; 501: far out on feature 1 only.
  rows[1000] = 12;
  rows[1001] = 0.1;
  rows[1002] = -0.2;
  rows[1003] = -15;
  return { rows, outliers: [500, 501] };
}

describe("isolation forest", () => {
  it("ranks the planted outliers above every normal point", () => {
    const { rows, outliers } = crafted();
    const forest = buildIsolationForest(rows, 2, { trees: 100, subsample: 256, seed: 42 });
    const scores = new Float64Array(502);
    scoreBatch(forest, rows, 502, scores);
    const ranked = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    assert.deepEqual(ranked.slice(0, 2).sort(), outliers);
    assert.ok(scores[500]! > 0.6, `outlier score ${scores[500]}`);
    const normal = anomalyScore(forest, [0, 0]);
    assert.ok(normal < 0.5, `centre score ${normal}`);
  });

  it("is deterministic: the same sample and seed give the same scores; another seed other trees", () => {
    const { rows } = crafted();
    const a = buildIsolationForest(rows, 2, { seed: 3 });
    const b = buildIsolationForest(rows, 2, { seed: 3 });
    const c = buildIsolationForest(rows, 2, { seed: 4 });
    assert.deepEqual(a.threshold, b.threshold);
    assert.equal(anomalyScore(a, rows, 10), anomalyScore(b, rows, 10));
    assert.notDeepEqual(a.threshold, c.threshold);
  });

  it("credits the feature that isolates a row (path split share sums to 1)", () => {
    const { rows } = crafted();
    const forest = buildIsolationForest(rows, 2, { seed: 9 });
    const first = attributeFeatures(forest, rows, 500 * 2);
    const second = attributeFeatures(forest, rows, 501 * 2);
    assert.ok(first[0]! > 0.6, `feature 0 share ${first[0]}`);
    assert.ok(second[1]! > 0.6, `feature 1 share ${second[1]}`);
    assert.ok(Math.abs(first[0]! + first[1]! - 1) < 1e-12);
  });

  it("works on fewer rows than ψ and on identical rows", () => {
    const same = new Float64Array(20).fill(5);
    const forest = buildIsolationForest(same, 2, { seed: 1 });
    assert.equal(forest.subsample, 10);
    assert.ok(Number.isFinite(anomalyScore(forest, [5, 5])));
  });

  it("scores a column-major batch exactly as row by row (same path sums, same doubles)", () => {
    const { rows } = crafted();
    const forest = buildIsolationForest(rows, 2, { trees: 50, subsample: 64, seed: 11 });
    const stride = 600; // the batch's capacity, more than the 502 rows in it
    const columns = new Float64Array(2 * stride);
    for (let r = 0; r < 502; r++) {
      columns[r] = rows[r * 2]!;
      columns[stride + r] = rows[r * 2 + 1]!;
    }
    const byColumns = new Float64Array(stride);
    const byBatch = new Float64Array(502);
    scoreColumns(forest, columns, 502, stride, byColumns);
    scoreBatch(forest, rows, 502, byBatch);
    for (let r = 0; r < 502; r++) {
      assert.equal(byColumns[r], anomalyScore(forest, rows, r * 2), `row ${r}`);
      assert.equal(byBatch[r], byColumns[r], `row ${r}`);
    }
  });

  it("c(n) matches the paper's values", () => {
    assert.equal(averagePathLength(1), 0);
    assert.equal(averagePathLength(2), 1);
    assert.ok(Math.abs(averagePathLength(256) - 10.2448) < 1e-3);
  });
});

describe("Reservoir", () => {
  it("keeps a seeded uniform sample of fixed size", () => {
    const a = new Reservoir(10, 1, 5);
    const b = new Reservoir(10, 1, 5);
    for (let i = 0; i < 1000; i++) {
      a.offer([i]);
      b.offer([i]);
    }
    assert.equal(a.rows().length, 10);
    assert.equal(a.seen, 1000);
    assert.deepEqual(a.rows(), b.rows());
    assert.ok(
      Array.from(a.rows()).some((v) => v >= 10),
      "later rows get in",
    );
  });

  it("positions: the rows a sample holds follow from the count alone, slot by slot", () => {
    for (const [capacity, count] of [
      [10, 1000],
      [10, 7],
      [256, 100_000],
    ] as const) {
      const streamed = new Reservoir(capacity, 1, 42);
      for (let i = 0; i < count; i++) streamed.offer([i]);
      assert.deepEqual(Array.from(Reservoir.positions(capacity, count, 42)), Array.from(streamed.rows()));
    }
  });
});

describe("TopScores", () => {
  it("keeps the k highest, ties broken by the smaller key, highest first", () => {
    const top = new TopScores(3);
    for (const [score, key] of [
      [0.1, 1],
      [0.9, 2],
      [0.5, 3],
      [0.9, 4],
      [0.2, 5],
      [0.5, 0],
    ] as const)
      top.offer(score, key);
    assert.deepEqual(
      top.sorted().map((e) => e.key),
      [2, 4, 0],
    );
    assert.equal(top.floor, 0.5);
  });
});
