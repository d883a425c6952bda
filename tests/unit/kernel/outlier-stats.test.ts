import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MAD_TO_SD,
  meanAndSd,
  medianAndMad,
  normalBand,
  relativeChange,
  robustScale,
  standardScore,
} from "../../../shared/kernel/outlier-stats.js";

describe("outlier statistics", () => {
  it("mean and sd from count, Σx and Σx²", () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const { mean, sd } = meanAndSd({
      count: xs.length,
      sum: xs.reduce((a, b) => a + b, 0),
      sumOfSquares: xs.reduce((a, b) => a + b * b, 0),
    });
    assert.equal(mean, 5);
    assert.equal(sd, 2);
    assert.equal(standardScore(9, mean, sd), 2);
  });

  it("median and MAD resist the outlier the z-score is pulled by", () => {
    const xs = [10, 11, 9, 10, 12, 10, 9, 11, 10, 1000];
    const { median, mad } = medianAndMad(xs);
    assert.equal(median, 10);
    assert.equal(mad, 1);
    const robust = standardScore(1000, median, robustScale(mad, 0));
    assert.ok(robust > 500, `robust score ${robust}`);
    const sum = xs.reduce((a, b) => a + b, 0);
    const { mean, sd } = meanAndSd({ count: xs.length, sum, sumOfSquares: xs.reduce((a, b) => a + b * b, 0) });
    assert.ok(standardScore(1000, mean, sd) < 3.1, "one huge outlier masks itself in a z-score");
    assert.equal(robustScale(2, 0), 2 * MAD_TO_SD);
    assert.ok(robustScale(0, 1) > 1, "MAD = 0 falls back to the mean absolute deviation");
  });

  it("bands and relative change", () => {
    assert.deepEqual(normalBand(100, 10, 2.5), { low: 75, high: 125 });
    assert.equal(relativeChange(100, 130), 0.3);
    assert.equal(relativeChange(-100, -50), 0.5);
    assert.equal(relativeChange(0, 10), null);
  });
});
