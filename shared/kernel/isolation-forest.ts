/**
 * Isolation forest (Liu, Ting & Zhou 2008), seeded and deterministic: the same sample,
 * options and seed build the same trees, so the same data gives the same scores. Pure and
 * dependency-free; rows are dense `Float64Array`s (row-major, `dims` values per row) and the
 * trees live in flat typed arrays, so scoring a million rows allocates nothing per row.
 *
 * Scores and attributions are doubles on purpose: they rank rows, they are not money.
 */
import { seededRandom } from "./seeded-random.js";

export interface IsolationForestOptions {
  /** Trees in the forest; default 100. */
  readonly trees?: number;
  /** Rows each tree is grown on (ψ); default 256. */
  readonly subsample?: number;
  /** PRNG seed; the same seed and sample give the same forest. */
  readonly seed?: number;
}

export interface IsolationForest {
  readonly dims: number;
  readonly trees: number;
  /** ψ actually used (the sample may be smaller than asked). */
  readonly subsample: number;
  /** Node slots per tree (2ψ − 1). */
  readonly nodesPerTree: number;
  /** Split feature per node; −1 marks a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Sample rows that reached a leaf (its unbuilt subtree is estimated by c(size)). */
  readonly size: Int32Array;
  /** c(size) of every leaf, computed once at build: scoring adds it without a logarithm per tree and row. */
  readonly leafPath: Float64Array;
  /** c(ψ): the average path length that normalises scores. */
  readonly normaliser: number;
}

const EULER_GAMMA = 0.5772156649015329;

/** c(n): the average path length of an unsuccessful BST search among n points. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * A uniform sample of a stream of rows (Vitter's algorithm R), seeded: the same rows in the
 * same order give the same sample. Memory is `capacity × dims` doubles however long the
 * stream, which is what keeps the forest's training flat in memory.
 */
export class Reservoir {
  readonly #rows: Float64Array;
  readonly #random: () => number;
  #seen = 0;

  constructor(
    readonly capacity: number,
    readonly dims: number,
    seed: number,
  ) {
    this.#rows = new Float64Array(capacity * dims);
    this.#random = seededRandom(seed ^ 0x5bd1e995);
  }

  /** Offers one row (read from `values` at `offset`). */
  offer(values: ArrayLike<number>, offset = 0): void {
    const seen = this.#seen++;
    let slot = seen;
    if (seen >= this.capacity) {
      slot = Math.floor(this.#random() * (seen + 1));
      if (slot >= this.capacity) return;
    }
    for (let d = 0; d < this.dims; d++) this.#rows[slot * this.dims + d] = values[offset + d]!;
  }

  /**
   * The sample `capacity` slots would hold after `count` offers with this seed, as the
   * 0-based position of the offered row in each slot: which rows are picked depends only on
   * their positions, never on their values. So a caller that knows the count can read just
   * those rows instead of streaming every row through `offer`, and get the same sample.
   */
  static positions(capacity: number, count: number, seed: number): Int32Array {
    const random = seededRandom(seed ^ 0x5bd1e995);
    const slots = new Int32Array(Math.min(capacity, count));
    for (let seen = 0; seen < count; seen++) {
      let slot = seen;
      if (seen >= capacity) {
        slot = Math.floor(random() * (seen + 1));
        if (slot >= capacity) continue;
      }
      slots[slot] = seen;
    }
    return slots;
  }

  /** Rows offered so far. */
  get seen(): number {
    return this.#seen;
  }

  /** The sample, row-major (`min(seen, capacity)` rows). */
  rows(): Float64Array {
    return this.#rows.subarray(0, Math.min(this.#seen, this.capacity) * this.dims);
  }
}

/** Grows the forest on `sample` (row-major, `dims` per row); each tree draws its own ψ rows. */
export function buildIsolationForest(
  sample: Float64Array,
  dims: number,
  options: IsolationForestOptions = {},
): IsolationForest {
  const trees = options.trees ?? 100;
  const rows = Math.floor(sample.length / dims);
  if (rows < 1) throw new RangeError("an isolation forest needs at least one sample row");
  const psi = Math.min(options.subsample ?? 256, rows);
  const nodesPerTree = 2 * psi - 1;
  const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
  const random = seededRandom(options.seed ?? 1);
  const forest: IsolationForest = {
    dims,
    trees,
    subsample: psi,
    nodesPerTree,
    feature: new Int32Array(trees * nodesPerTree).fill(-1),
    threshold: new Float64Array(trees * nodesPerTree),
    left: new Int32Array(trees * nodesPerTree),
    right: new Int32Array(trees * nodesPerTree),
    size: new Int32Array(trees * nodesPerTree),
    leafPath: new Float64Array(trees * nodesPerTree),
    normaliser: averagePathLength(psi),
  };
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const picked = new Int32Array(psi);
  const lo = new Float64Array(dims);
  const hi = new Float64Array(dims);
  const candidates = new Int32Array(dims);
  // Work stack of (node, start, end, depth) over `picked`, partitioned in place.
  const stack = new Int32Array(4 * (nodesPerTree + 1));
  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: ψ distinct rows of the sample for this tree.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(random() * (rows - i));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
      picked[i] = order[i]!;
    }
    const base = t * nodesPerTree;
    let next = 1;
    let top = 0;
    stack[top++] = 0;
    stack[top++] = 0;
    stack[top++] = psi;
    stack[top++] = 0;
    while (top > 0) {
      const depth = stack[--top]!;
      const end = stack[--top]!;
      const start = stack[--top]!;
      const node = base + stack[--top]!;
      forest.size[node] = end - start;
      forest.leafPath[node] = averagePathLength(end - start);
      if (end - start <= 1 || depth >= heightLimit) continue;
      lo.fill(Infinity);
      hi.fill(-Infinity);
      for (let i = start; i < end; i++) {
        const at = picked[i]! * dims;
        for (let d = 0; d < dims; d++) {
          const v = sample[at + d]!;
          if (v < lo[d]!) lo[d] = v;
          if (v > hi[d]!) hi[d] = v;
        }
      }
      let splittable = 0;
      for (let d = 0; d < dims; d++) if (hi[d]! > lo[d]!) candidates[splittable++] = d;
      if (splittable === 0) continue; // identical rows: a leaf whose size c() accounts for
      forest.leafPath[node] = 0; // an inner node: only leaves add c(size)
      const f = candidates[Math.floor(random() * splittable)]!;
      let cut = lo[f]! + random() * (hi[f]! - lo[f]!);
      if (!(cut > lo[f]!)) cut = (lo[f]! + hi[f]!) / 2;
      // Partition: values below the cut to the left.
      let mid = start;
      for (let i = start; i < end; i++) {
        if (sample[picked[i]! * dims + f]! < cut) {
          const swap = picked[i]!;
          picked[i] = picked[mid]!;
          picked[mid++] = swap;
        }
      }
      const leftNode = next++;
      const rightNode = next++;
      forest.feature[node] = f;
      forest.threshold[node] = cut;
      forest.left[node] = leftNode;
      forest.right[node] = rightNode;
      stack[top++] = leftNode;
      stack[top++] = start;
      stack[top++] = mid;
      stack[top++] = depth + 1;
      stack[top++] = rightNode;
      stack[top++] = mid;
      stack[top++] = end;
      stack[top++] = depth + 1;
    }
  }
  return forest;
}

/** h(x) in one tree: edges to the leaf plus c(leaf size) for the part left unbuilt. */
function treePath(
  forest: IsolationForest,
  tree: number,
  rows: ArrayLike<number>,
  offset: number,
  stride: number,
): number {
  const base = tree * forest.nodesPerTree;
  let node = base;
  let depth = 0;
  while (forest.feature[node]! >= 0) {
    node =
      base +
      (rows[offset + forest.feature[node]! * stride]! < forest.threshold[node]!
        ? forest.left[node]!
        : forest.right[node]!);
    depth++;
  }
  return depth + forest.leafPath[node]!;
}

/** s(x) = 2^(−E[h(x)] / c(ψ)) in (0, 1]: near 1 is anomalous, well under 0.5 is normal. */
export function anomalyScore(forest: IsolationForest, rows: ArrayLike<number>, offset = 0): number {
  let total = 0;
  for (let t = 0; t < forest.trees; t++) total += treePath(forest, t, rows, offset, 1);
  return scoreOf(forest, total);
}

function scoreOf(forest: IsolationForest, totalPath: number): number {
  if (forest.normaliser === 0) return 0.5;
  return Math.pow(2, -totalPath / forest.trees / forest.normaliser);
}

/** Scores `count` rows of a row-major batch (`dims` values per row) into `out`. */
export function scoreBatch(forest: IsolationForest, rows: Float64Array, count: number, out: Float64Array): void {
  scoreRows(forest, rows, count, forest.dims, 1, out);
}

/**
 * Scores `count` rows of a column-major batch into `out`: feature d of row r at
 * `columns[d * stride + r]` (stride ≥ count, the batch's capacity). What the detector uses:
 * tree by tree over the whole batch, so one tree's nodes stay in cache while every row walks
 * it, and each row's path lengths add up in tree order (the same sums, the same scores, as
 * `anomalyScore` row by row).
 */
export function scoreColumns(
  forest: IsolationForest,
  columns: Float64Array,
  count: number,
  stride: number,
  out: Float64Array,
): void {
  scoreRows(forest, columns, count, 1, stride, out);
}

function scoreRows(
  forest: IsolationForest,
  values: Float64Array,
  count: number,
  rowStep: number,
  featureStep: number,
  out: Float64Array,
): void {
  const { feature, threshold, left, right, leafPath, nodesPerTree } = forest;
  out.fill(0, 0, count);
  for (let t = 0; t < forest.trees; t++) {
    const base = t * nodesPerTree;
    for (let r = 0; r < count; r++) {
      const at = r * rowStep;
      let node = base;
      let depth = 0;
      let f = feature[node]!;
      while (f >= 0) {
        node = base + (values[at + f * featureStep]! < threshold[node]! ? left[node]! : right[node]!);
        f = feature[node]!;
        depth++;
      }
      out[r] = out[r]! + (depth + leafPath[node]!);
    }
  }
  for (let r = 0; r < count; r++) out[r] = scoreOf(forest, out[r]!);
}

/** How `attributeFeatures` credits features; stated in every ML explanation. */
export const ATTRIBUTION_METHOD =
  "isolation bits: every split on the row's path in each tree credits its feature with log2(node sample / child sample), the share of the isolation that split did; shares sum to 1";

/**
 * Which features isolated this row. A split that cuts the row off from almost all of its
 * node's sample (an extreme value) did much of the isolating; a split that halves it did
 * one bit's worth. Each split credits its feature with log2(parent size / child size),
 * summed over trees and normalised to shares that sum to 1.
 */
export function attributeFeatures(forest: IsolationForest, row: ArrayLike<number>, offset = 0): Float64Array {
  const credit = new Float64Array(forest.dims);
  for (let t = 0; t < forest.trees; t++) {
    const base = t * forest.nodesPerTree;
    let node = base;
    while (forest.feature[node]! >= 0) {
      const f = forest.feature[node]!;
      const child = base + (row[offset + f]! < forest.threshold[node]! ? forest.left[node]! : forest.right[node]!);
      // A row outside the sample's range lands in an empty side: count that as size 1.
      credit[f]! += Math.log2(forest.size[node]! / Math.max(1, forest.size[child]!));
      node = child;
    }
  }
  let sum = 0;
  for (const c of credit) sum += c;
  if (sum > 0) for (let d = 0; d < forest.dims; d++) credit[d] = credit[d]! / sum;
  return credit;
}

/**
 * The `k` highest scores of a stream, with one payload number per entry, in typed arrays
 * (a min-heap): memory is fixed by `k`, not by the stream's length.
 */
export class TopScores {
  readonly #scores: Float64Array;
  readonly #keys: Float64Array;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#scores = new Float64Array(capacity);
    this.#keys = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The smallest score kept (−∞ while not full). */
  get floor(): number {
    return this.#size < this.capacity ? -Infinity : this.#scores[0]!;
  }

  offer(score: number, key: number): void {
    if (this.capacity === 0) return;
    if (this.#size < this.capacity) {
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#before(score, key, parent)) break;
        this.#scores[i] = this.#scores[parent]!;
        this.#keys[i] = this.#keys[parent]!;
        i = parent;
      }
      this.#scores[i] = score;
      this.#keys[i] = key;
      return;
    }
    if (!this.#after(score, key, 0)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.#size) break;
      const r = l + 1;
      const child = r < this.#size && this.#lessAt(r, l) ? r : l;
      if (!this.#before(this.#scores[child]!, this.#keys[child]!, -1, score, key)) break;
      this.#scores[i] = this.#scores[child]!;
      this.#keys[i] = this.#keys[child]!;
      i = child;
    }
    this.#scores[i] = score;
    this.#keys[i] = key;
  }

  /** Entries, highest score first (ties: smaller key first, so order is deterministic). */
  sorted(): { score: number; key: number }[] {
    const out: { score: number; key: number }[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ score: this.#scores[i]!, key: this.#keys[i]! });
    return out.sort((a, b) => b.score - a.score || a.key - b.key);
  }

  // Heap order: lower score first; on equal scores the larger key is "lower" (evicted first).
  #before(score: number, key: number, at: number, otherScore = this.#scores[at]!, otherKey = this.#keys[at]!): boolean {
    return score < otherScore || (score === otherScore && key > otherKey);
  }

  #after(score: number, key: number, at: number): boolean {
    return score > this.#scores[at]! || (score === this.#scores[at]! && key < this.#keys[at]!);
  }

  #lessAt(a: number, b: number): boolean {
    return this.#before(this.#scores[a]!, this.#keys[a]!, b);
  }
}
