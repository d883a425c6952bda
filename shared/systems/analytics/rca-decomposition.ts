import type { Dimension } from "./analytics-dimensions.js";

/**
 * Root-cause decomposition of a change between two sides (baseline → comparison) over
 * aggregated cells. Pure: the cells come from a CellSource (SQL GROUP BY for expenses, the
 * budget lines for actual vs budget), so it is tested on small crafted data. Money is
 * bigint minor units; every contribution is an exact difference of two sums, and the
 * reported partition plus its "other" remainder is checked to add up to the total change.
 */

/** One group of an aggregate: a currency, one value per grouped dimension (null = blank), both sides' sums. */
export interface Cell {
  readonly currency: string;
  readonly values: readonly (string | null)[];
  readonly baseMinor: bigint;
  readonly compMinor: bigint;
  readonly baseRows: number;
  readonly compRows: number;
}

export interface CurrencyTotal {
  readonly currency: string;
  readonly baseMinor: bigint;
  readonly compMinor: bigint;
  readonly baseRows: number;
  readonly compRows: number;
}

/** Where cells come from. `allowed` narrows a dimension to values (the apriori pruning, pushed down). */
export interface CellSource {
  totals(): Promise<CurrencyTotal[]>;
  cells(dimensions: readonly Dimension[], allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>): Promise<Cell[]>;
}

export interface DecompositionOptions {
  readonly dimensions: readonly Dimension[];
  /** Largest number of dimensions combined in one segment (1–3). */
  readonly maxDepth: number;
  /** A segment is extended (and may be reported) when |change| ≥ this share of the gross level-1 change... */
  readonly minImpactShare: number;
  /** ...or when its rows are at least this share of the currency's rows (support). */
  readonly minSupportShare: number;
  /** A combination is reported only when it differs from every parent's proportional share by this much of its own change. */
  readonly redundancyRatio: number;
  /** Reported segments per kind (changed, new, vanished). */
  readonly maxSegments: number;
  /** Steps of the exact partition (the waterfall) before "other". */
  readonly maxSteps: number;
}

export const DEFAULT_DECOMPOSITION: Omit<DecompositionOptions, "dimensions"> = {
  maxDepth: 3,
  minImpactShare: 0.02,
  minSupportShare: 0.05,
  redundancyRatio: 0.25,
  maxSegments: 20,
  maxSteps: 8,
};

export type SegmentKind = "changed" | "new" | "vanished";

export interface Segment {
  /** Dimension → value (null = blank), in the order of the request's dimensions. */
  readonly where: readonly (readonly [Dimension, string | null])[];
  readonly kind: SegmentKind;
  readonly baseMinor: bigint;
  readonly compMinor: bigint;
  readonly changeMinor: bigint;
  readonly baseRows: number;
  readonly compRows: number;
  /** Share of the currency's total change (signed; null when the total change is zero). */
  readonly shareOfChange: number | null;
  /**
   * For a combination: the smallest difference between its change and what a parent's change
   * predicts for it in proportion to its baseline share (how much more it explains); null at depth 1.
   */
  readonly excessOverParentsMinor: bigint | null;
}

export interface PartitionStep {
  readonly label: string;
  readonly segment: Segment | null;
  readonly changeMinor: bigint;
}

export interface DimensionImportance {
  readonly dimension: Dimension;
  /** This dimension's share of the summed scores of all dimensions considered (0–1). */
  readonly importance: number;
  /** Σ over values |Δv − T·wv|: the change not explained by growth spread evenly by baseline share. */
  readonly nonProportionalMinor: bigint;
  /** Share of the dimension's gross change |Δv| carried by its largest value. */
  readonly topValueShare: number;
  readonly topValue: string | null;
  readonly values: number;
}

export const IMPORTANCE_METHOD = {
  name: "non-proportional change share",
  description:
    "Per dimension, Σ over its values of |Δv − T·wv|, where Δv is the value's change, T the total change and wv the value's share of the baseline (of rows when the baseline sums to zero): the part of the change that uniform growth would not produce. Scores are normalised to sum to 1 across the dimensions considered. A dimension that does not explain the change scores near 0; many-valued dimensions score somewhat higher by chance, as with random-forest impurity importance.",
} as const;

export interface CurrencyDecomposition {
  readonly currency: string;
  readonly baseMinor: bigint;
  readonly compMinor: bigint;
  readonly changeMinor: bigint;
  readonly baseRows: number;
  readonly compRows: number;
  /** Segments present on both sides, ranked by |change|. */
  readonly drivers: readonly Segment[];
  /** Segments with no baseline rows. */
  readonly newSegments: readonly Segment[];
  /** Segments with no comparison rows. */
  readonly vanishedSegments: readonly Segment[];
  /** Disjoint segments plus an explicit "other": sums exactly to `changeMinor`. */
  readonly partition: readonly PartitionStep[];
  readonly importance: readonly DimensionImportance[];
  readonly searched: {
    readonly segmentsEvaluated: number;
    readonly segmentsExtended: number;
    readonly queries: number;
  };
}

/** Thrown when exact sums do not agree: a bug or an inconsistent source, never a rounding. */
export class DecompositionMismatchError extends Error {}

interface Evaluated extends Segment {
  readonly key: string;
  readonly depth: number;
}

const keyOf = (currency: string, where: readonly (readonly [Dimension, string | null])[]) =>
  JSON.stringify([currency, ...where]);

const abs = (v: bigint) => (v < 0n ? -v : v);

function kindOf(baseRows: number, compRows: number): SegmentKind {
  if (baseRows === 0 && compRows > 0) return "new";
  if (compRows === 0 && baseRows > 0) return "vanished";
  return "changed";
}

function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of combinations(items.slice(i + 1), k - 1)) out.push([item, ...rest]);
  });
  return out;
}

function ratio(part: bigint, whole: bigint): number | null {
  if (whole === 0n) return null;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}

/** A parent's change shared out to a child by the child's baseline share (rows when the baseline is zero). */
function proportionalShare(child: Evaluated, parent: Evaluated): bigint {
  if (parent.baseMinor !== 0n && child.baseMinor !== 0n) {
    return (parent.changeMinor * child.baseMinor) / parent.baseMinor;
  }
  const parentRows = BigInt(parent.baseRows + parent.compRows);
  if (parentRows === 0n) return 0n;
  return (parent.changeMinor * BigInt(child.baseRows + child.compRows)) / parentRows;
}

/** A reported narrower segment that carries at least this share of a segment's change stands for it. */
const SUBSUMES = 0.9;

function contains(outer: Segment, inner: Segment): boolean {
  return (
    inner.where.length > outer.where.length &&
    outer.where.every(([d, v]) => inner.where.some(([d2, v2]) => d === d2 && v === v2))
  );
}

/**
 * Ranked by impact |Δ|, except that a segment whose change is (≥ 90%, same sign) carried by a
 * narrower reported segment ranks right after it: the most specific explanation comes first.
 */
function ranked(segments: readonly Evaluated[]): Evaluated[] {
  const anchor = new Map<string, Evaluated>();
  for (const s of segments) {
    let best = s;
    for (const d of segments) {
      if (!contains(s, d) || d.changeMinor === 0n || d.changeMinor < 0n !== s.changeMinor < 0n) continue;
      if (Number(abs(d.changeMinor)) < SUBSUMES * Number(abs(s.changeMinor))) continue;
      if (d.depth > best.depth || (d.depth === best.depth && abs(d.changeMinor) > abs(best.changeMinor))) best = d;
    }
    anchor.set(s.key, best);
  }
  return [...segments].sort((a, b) => {
    const aa = anchor.get(a.key)!;
    const ab = anchor.get(b.key)!;
    const d = abs(ab.changeMinor) - abs(aa.changeMinor);
    if (d !== 0n) return d > 0n ? 1 : -1;
    if (aa.key !== ab.key) return aa.key < ab.key ? -1 : 1;
    // Same anchor: the narrower first.
    if (a.depth !== b.depth) return b.depth - a.depth;
    const own = abs(b.changeMinor) - abs(a.changeMinor);
    if (own !== 0n) return own > 0n ? 1 : -1;
    return a.key < b.key ? -1 : 1;
  });
}

/** Two segments are disjoint when they give one dimension different values. */
function disjoint(a: Segment, b: Segment): boolean {
  return a.where.some(([d, v]) => b.where.some(([d2, v2]) => d === d2 && v !== v2));
}

export function segmentLabel(where: Segment["where"]): string {
  return where.map(([d, v]) => `${d}=${v ?? "(blank)"}`).join(" & ");
}

/**
 * Decomposes the change of every currency in `source`. Level 1 reads each dimension's
 * partition; level k reads each k-combination only for values whose level-1 segments were
 * extended (pushed down as IN lists), and keeps a cell only when all its (k−1)-parents were
 * extended (apriori: support can only shrink as a segment narrows).
 */
export async function decompose(source: CellSource, options: DecompositionOptions): Promise<CurrencyDecomposition[]> {
  const dims = options.dimensions;
  const totals = await source.totals();
  let queries = 1;
  const byKey = new Map<string, Evaluated>();
  const extended = new Set<string>();
  const evaluatedPerDepth: Evaluated[][] = [];
  const totalOf = new Map(totals.map((t) => [t.currency, t]));

  const evaluate = (cell: Cell, where: Segment["where"], depth: number): Evaluated => {
    const total = totalOf.get(cell.currency);
    const changeMinor = cell.compMinor - cell.baseMinor;
    return {
      key: keyOf(cell.currency, where),
      depth,
      where,
      kind: kindOf(cell.baseRows, cell.compRows),
      baseMinor: cell.baseMinor,
      compMinor: cell.compMinor,
      changeMinor,
      baseRows: cell.baseRows,
      compRows: cell.compRows,
      shareOfChange: total ? ratio(changeMinor, total.compMinor - total.baseMinor) : null,
      excessOverParentsMinor: null,
    };
  };

  // Level 1: each dimension's full partition; each must add up to the currency's total change.
  const level1 = new Map<string, Map<Dimension, Evaluated[]>>();
  for (const d of dims) {
    const cells = await source.cells([d], new Map());
    queries++;
    for (const cell of cells) {
      const seg = evaluate(cell, [[d, cell.values[0] ?? null]], 1);
      byKey.set(seg.key, seg);
      const perDim = level1.get(cell.currency) ?? new Map<Dimension, Evaluated[]>();
      level1.set(cell.currency, perDim);
      perDim.set(d, [...(perDim.get(d) ?? []), seg]);
    }
  }
  for (const t of totals) {
    for (const d of dims) {
      const sum = (level1.get(t.currency)?.get(d) ?? []).reduce((s, x) => s + x.changeMinor, 0n);
      if (sum !== t.compMinor - t.baseMinor) {
        throw new DecompositionMismatchError(
          `${t.currency}: the ${d} partition sums to ${sum}, the total change is ${t.compMinor - t.baseMinor}`,
        );
      }
    }
  }

  // Thresholds per currency: impact against the largest gross level-1 change, support against rows.
  const thresholds = new Map<string, { impact: bigint; support: number }>();
  for (const t of totals) {
    let gross = 0n;
    for (const segs of level1.get(t.currency)?.values() ?? []) {
      const g = segs.reduce((s, x) => s + abs(x.changeMinor), 0n);
      if (g > gross) gross = g;
    }
    const impact = (gross * BigInt(Math.round(options.minImpactShare * 1_000_000))) / 1_000_000n;
    thresholds.set(t.currency, {
      impact: impact > 0n ? impact : 1n,
      support: options.minSupportShare * (t.baseRows + t.compRows),
    });
  }
  const passes = (currency: string, seg: Evaluated) => {
    const th = thresholds.get(currency)!;
    return abs(seg.changeMinor) >= th.impact || seg.baseRows + seg.compRows >= th.support;
  };
  const currencyOfKey = (key: string) => (JSON.parse(key) as [string])[0];

  const level1Segments = [...byKey.values()];
  evaluatedPerDepth.push(level1Segments);
  for (const seg of level1Segments) if (passes(currencyOfKey(seg.key), seg)) extended.add(seg.key);

  for (let depth = 2; depth <= Math.min(options.maxDepth, dims.length); depth++) {
    const atDepth: Evaluated[] = [];
    for (const combo of combinations(dims, depth)) {
      const allowed = new Map<Dimension, Set<string | null>>();
      for (const d of combo) {
        allowed.set(
          d,
          new Set(level1Segments.filter((s) => s.where[0]![0] === d && extended.has(s.key)).map((s) => s.where[0]![1])),
        );
      }
      if ([...allowed.values()].some((values) => values.size === 0)) continue;
      const cells = await source.cells(combo, allowed);
      queries++;
      for (const cell of cells) {
        const where = combo.map((d, i) => [d, cell.values[i] ?? null] as const);
        const parents = combinations(where, depth - 1).map((w) => byKey.get(keyOf(cell.currency, w)));
        if (parents.some((p) => p === undefined || !extended.has(p.key))) continue;
        const seg = evaluate(cell, where, depth);
        // How much more it explains than each parent predicts for it in proportion.
        let excess: bigint | null = null;
        for (const parent of parents as Evaluated[]) {
          const e = abs(seg.changeMinor - proportionalShare(seg, parent));
          if (excess === null || e < excess) excess = e;
        }
        const withExcess: Evaluated = { ...seg, excessOverParentsMinor: excess };
        byKey.set(withExcess.key, withExcess);
        atDepth.push(withExcess);
        if (passes(cell.currency, withExcess)) extended.add(withExcess.key);
      }
    }
    evaluatedPerDepth.push(atDepth);
  }

  return totals.map((t) => {
    const th = thresholds.get(t.currency)!;
    const mine = evaluatedPerDepth.flat().filter((s) => currencyOfKey(s.key) === t.currency);
    const reportable = ranked(
      mine
        .filter((s) => abs(s.changeMinor) >= th.impact && s.changeMinor !== 0n)
        .filter(
          (s) =>
            s.depth === 1 ||
            (s.excessOverParentsMinor !== null &&
              Number(s.excessOverParentsMinor) >= options.redundancyRatio * Number(abs(s.changeMinor))),
        ),
    );
    const changeMinor = t.compMinor - t.baseMinor;
    const partition = partitionOf(reportable, changeMinor, options.maxSteps);
    const strip = ({ key: _k, depth: _d, ...seg }: Evaluated): Segment => seg;
    return {
      currency: t.currency,
      baseMinor: t.baseMinor,
      compMinor: t.compMinor,
      changeMinor,
      baseRows: t.baseRows,
      compRows: t.compRows,
      drivers: reportable
        .filter((s) => s.kind === "changed")
        .slice(0, options.maxSegments)
        .map(strip),
      newSegments: reportable
        .filter((s) => s.kind === "new")
        .slice(0, options.maxSegments)
        .map(strip),
      vanishedSegments: reportable
        .filter((s) => s.kind === "vanished")
        .slice(0, options.maxSegments)
        .map(strip),
      partition,
      importance: importanceOf(dims, level1.get(t.currency) ?? new Map(), t),
      searched: {
        segmentsEvaluated: mine.length,
        segmentsExtended: mine.filter((s) => extended.has(s.key)).length,
        queries,
      },
    };
  });
}

/**
 * The exact partition: the highest-ranked segments that are pairwise disjoint, then "other"
 * (everything else). Asserted to sum to the total change.
 */
export function partitionOf(ranked: readonly Segment[], totalChange: bigint, maxSteps: number): PartitionStep[] {
  const picked: Segment[] = [];
  for (const seg of ranked) {
    if (picked.length >= maxSteps) break;
    if (picked.every((p) => disjoint(p, seg))) picked.push(seg);
  }
  const explained = picked.reduce((s, p) => s + p.changeMinor, 0n);
  const steps: PartitionStep[] = [
    ...picked.map((segment) => ({ label: segmentLabel(segment.where), segment, changeMinor: segment.changeMinor })),
    { label: "other", segment: null, changeMinor: totalChange - explained },
  ];
  const sum = steps.reduce((s, x) => s + x.changeMinor, 0n);
  if (sum !== totalChange) throw new DecompositionMismatchError(`partition sums to ${sum}, change is ${totalChange}`);
  return steps;
}

function importanceOf(
  dims: readonly Dimension[],
  level1: ReadonlyMap<Dimension, readonly Evaluated[]>,
  total: CurrencyTotal,
): DimensionImportance[] {
  const change = total.compMinor - total.baseMinor;
  const rows = BigInt(total.baseRows + total.compRows);
  const scored = dims.map((dimension) => {
    const segs = level1.get(dimension) ?? [];
    let nonProportional = 0n;
    let gross = 0n;
    let top: Evaluated | undefined;
    for (const s of segs) {
      // Expected change of the value if the total grew evenly over the baseline (or rows).
      const expected =
        total.baseMinor !== 0n
          ? (change * s.baseMinor) / total.baseMinor
          : rows > 0n
            ? (change * BigInt(s.baseRows + s.compRows)) / rows
            : 0n;
      nonProportional += abs(s.changeMinor - expected);
      gross += abs(s.changeMinor);
      if (!top || abs(s.changeMinor) > abs(top.changeMinor)) top = s;
    }
    return {
      dimension,
      nonProportionalMinor: nonProportional,
      topValueShare: top && gross > 0n ? (ratio(abs(top.changeMinor), gross) ?? 0) : 0,
      topValue: top?.where[0]![1] ?? null,
      values: segs.length,
    };
  });
  const sum = scored.reduce((s, x) => s + x.nonProportionalMinor, 0n);
  return scored
    .map((s) => ({ ...s, importance: sum > 0n ? (ratio(s.nonProportionalMinor, sum) ?? 0) : 0 }))
    .sort((a, b) => b.importance - a.importance);
}
