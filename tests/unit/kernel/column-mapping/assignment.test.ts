import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bestAssignment } from "../../../../shared/kernel/column-mapping/assignment.js";

describe("best assignment", () => {
  it("maximises the total where taking the highest pair first would not", () => {
    // Highest first takes (0,0)=1000 and leaves row 1 nothing: 1000 against 900 + 950.
    assert.deepEqual(
      bestAssignment([
        [1000, 900],
        [950, 0],
      ]),
      [
        [0, 1],
        [1, 0],
      ],
    );
  });

  it("handles more rows than columns and leaves zero-weight pairs out", () => {
    assert.deepEqual(bestAssignment([[0], [5], [7]]), [[2, 0]]);
    assert.deepEqual(bestAssignment([[0, 0]]), []);
    assert.deepEqual(bestAssignment([]), []);
  });

  it("matches a brute-force search on small matrices", () => {
    // A fixed pseudo-random sequence (LCG) keeps the test deterministic.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 10;
    for (let round = 0; round < 50; round++) {
      const rows = 1 + (round % 4);
      const cols = 1 + ((round >> 2) % 4);
      const w = Array.from({ length: rows }, () => Array.from({ length: cols }, () => next()));
      const total = bestAssignment(w).reduce((sum, [r, c]) => sum + w[r]![c]!, 0);
      assert.equal(total, bruteForce(w, 0, new Set()), JSON.stringify(w));
    }
  });
});

function bruteForce(w: number[][], row: number, used: Set<number>): number {
  if (row === w.length) return 0;
  let best = bruteForce(w, row + 1, used);
  w[row]!.forEach((value, col) => {
    if (used.has(col)) return;
    used.add(col);
    best = Math.max(best, value + bruteForce(w, row + 1, used));
    used.delete(col);
  });
  return best;
}
