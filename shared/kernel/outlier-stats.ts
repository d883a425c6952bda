/**
 * The arithmetic of the statistical outlier tests: mean and standard deviation from SQL's
 * running sums, median and MAD, and the scores they give. Doubles on purpose: these are
 * scores and bands that rank and describe amounts; money shown to users is re-derived from
 * exact minor units and rounded once.
 */

/** Scales a MAD to estimate σ of normal data (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SD = 1.482602218505602;
/** Scales a mean absolute deviation to estimate σ of normal data (√(π/2)); the MAD = 0 fallback. */
export const MEAN_AD_TO_SD = 1.2533141373155003;

export interface Moments {
  readonly count: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

/** Mean and population standard deviation from count, Σx and Σx² (what SQL can push down). */
export function meanAndSd(m: Moments): { mean: number; sd: number } {
  if (m.count <= 0) return { mean: 0, sd: 0 };
  const mean = m.sum / m.count;
  // Σx² − n·mean² can come out a hair below zero from rounding: clamp.
  const variance = Math.max(0, m.sumOfSquares / m.count - mean * mean);
  return { mean, sd: Math.sqrt(variance) };
}

/** Median of a sorted array (mean of the two middle values for an even count). */
export function medianOfSorted(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Median and MAD of a small array (tests and crafted data; routes compute both in SQL). */
export function medianAndMad(values: readonly number[]): { median: number; mad: number } {
  const sorted = Float64Array.from(values).sort();
  const median = medianOfSorted(sorted);
  const deviations = Float64Array.from(values, (v) => Math.abs(v - median)).sort();
  return { median, mad: medianOfSorted(deviations) };
}

/**
 * The robust scale: MAD × 1.4826, or, when more than half the group is identical (MAD = 0),
 * the mean absolute deviation × 1.2533, so one odd amount among equal ones still stands out.
 */
export function robustScale(mad: number, meanAbsoluteDeviation: number): number {
  return mad > 0 ? mad * MAD_TO_SD : meanAbsoluteDeviation * MEAN_AD_TO_SD;
}

/** (x − centre) / scale; 0 when the group has no spread (nothing can stand out). */
export function standardScore(x: number, centre: number, scale: number): number {
  return scale > 0 ? (x - centre) / scale : 0;
}

/** The normal band `centre ± k·scale`. */
export function normalBand(centre: number, scale: number, k: number): { low: number; high: number } {
  return { low: centre - k * scale, high: centre + k * scale };
}

/** Relative change from `previous` to `current` (0.3 = +30%); null when there is no base. */
export function relativeChange(previous: number, current: number): number | null {
  if (previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}
