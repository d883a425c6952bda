// Each target goes to at most one column and each column to at most one target, choosing the
// pairs with the best total score (Hungarian method), not the first greedy grab: a column that
// is a fair "amount" must not take budgetedAmount from the column literally named "Budget".

/**
 * The pairs (row, col) of a maximum-weight matching of `weights` (rows × cols, integers ≥ 0).
 * Pairs of weight 0 are never returned: they mean "no match". Deterministic for equal input.
 */
export function bestAssignment(weights: readonly (readonly number[])[]): Array<[row: number, col: number]> {
  const rows = weights.length;
  const cols = rows === 0 ? 0 : weights[0]!.length;
  if (rows === 0 || cols === 0) return [];
  // The method below wants no more rows than columns; it then costs rows² × cols, so a wide
  // table against a few targets stays cheap.
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, j) => weights.map((row) => row[j]!));
    return bestAssignment(transposed)
      .map(([r, c]): [number, number] => [c, r])
      .sort((a, b) => a[0] - b[0]);
  }
  // Every row gets a column, so minimising the cost max - weight maximises the total weight.
  let max = 0;
  for (const row of weights) for (const w of row) max = Math.max(max, w);
  const cost = (i: number, j: number) => max - weights[i]![j]!;

  // Potentials u (rows) and v (columns), 1-based with 0 as the sentinel; p[j] = row given column j.
  const u = new Array<number>(rows + 1).fill(0);
  const v = new Array<number>(cols + 1).fill(0);
  const p = new Array<number>(cols + 1).fill(0);
  const way = new Array<number>(cols + 1).fill(0);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(cols + 1).fill(Infinity);
    const used = new Array<boolean>(cols + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const reduced = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (reduced < minv[j]!) [minv[j], way[j]] = [reduced, j0];
        if (minv[j]! < delta) [delta, j1] = [minv[j]!, j];
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }

  const pairs: Array<[number, number]> = [];
  for (let j = 1; j <= cols; j++) {
    const i = p[j]! - 1;
    if (i >= 0 && weights[i]![j - 1]! > 0) pairs.push([i, j - 1]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}
