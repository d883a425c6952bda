import { DecompositionMismatchError, type CurrencyDecomposition, type SegmentKind } from "./rca-decomposition.js";

export interface RcaWaterfallStep {
  readonly label: string;
  readonly changeMinor: bigint;
  /** The segment's kind; null for the "other" remainder. */
  readonly kind: SegmentKind | null;
}

/** The waterfall of one currency's decomposition: start + Σ steps = end, exactly. */
export interface RcaWaterfall {
  readonly currency: string;
  readonly start: { readonly label: string; readonly amountMinor: bigint };
  readonly steps: readonly RcaWaterfallStep[];
  readonly end: { readonly label: string; readonly amountMinor: bigint };
}

/**
 * Pure: the waterfall data of a decomposition (the charts turn it into a figure). Steps are
 * the exact partition (disjoint drivers, then "other"); an "other" of zero is left out.
 */
export function rcaWaterfall(
  decomposition: CurrencyDecomposition,
  labels: { readonly start: string; readonly end: string } = { start: "Baseline", end: "Comparison" },
): RcaWaterfall {
  const steps = decomposition.partition
    .filter((p) => p.segment !== null || p.changeMinor !== 0n)
    .map((p) => ({ label: p.label, changeMinor: p.changeMinor, kind: p.segment?.kind ?? null }));
  const reached = steps.reduce((s, x) => s + x.changeMinor, decomposition.baseMinor);
  if (reached !== decomposition.compMinor) {
    throw new DecompositionMismatchError(`waterfall reaches ${reached}, the comparison is ${decomposition.compMinor}`);
  }
  return {
    currency: decomposition.currency,
    start: { label: labels.start, amountMinor: decomposition.baseMinor },
    steps,
    end: { label: labels.end, amountMinor: decomposition.compMinor },
  };
}
