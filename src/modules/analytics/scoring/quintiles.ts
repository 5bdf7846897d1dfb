/** Whether a larger value is better (frequency, monetary) or a smaller one (recency in days). */
export enum Direction {
  HIGHER_IS_BETTER = 'higher',
  LOWER_IS_BETTER = 'lower',
}

/**
 * Where the scores change, as left by a full scoring of a population: `edges[s - 2]` is the value from
 * which a customer scores at least `s` (s = 2..5), the smallest such value when higher is better and the
 * largest when lower is better; null when no one scored `s`. A customer scored between full runs (an
 * incremental update) is placed against these edges.
 */
export type QuintileEdges = Array<number | null>;

/**
 * Quintile scores 1..5 of every value in the population, ties sharing one score. A value's score comes
 * from its mid-rank: with `worse` values ranked below it and `tied` values equal to it (itself included)
 * among `n`, score = 1 + ⌊5 · (worse + tied/2) / n⌋, capped at 5. So five distinct values score 1..5,
 * ten distinct values score 1,1,2,2,3,3,4,4,5,5, and a population where everyone is equal scores 3.
 */
export function quintileScores(values: readonly number[], direction: Direction): number[] {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  return values.map((v) => {
    const below = lowerBound(sorted, v);
    const tied = upperBound(sorted, v) - below;
    const worse = direction === Direction.HIGHER_IS_BETTER ? below : n - below - tied;
    // Integer arithmetic: 1 + floor(5 * (2 worse + tied) / 2n).
    return Math.min(5, 1 + Math.floor((5 * (2 * worse + tied)) / (2 * n)));
  });
}

/** The edges of a scored population (see QuintileEdges). */
export function edgesOf(values: readonly number[], scores: readonly number[], direction: Direction): QuintileEdges {
  const edges: QuintileEdges = [null, null, null, null];
  values.forEach((v, i) => {
    const s = scores[i];
    if (s < 2) return;
    const e = edges[s - 2];
    if (e === null || (direction === Direction.HIGHER_IS_BETTER ? v < e : v > e)) edges[s - 2] = v;
  });
  return edges;
}

/** A value's score against the edges of the last full scoring; the same score the population gave it. */
export function scoreByEdges(edges: QuintileEdges, v: number, direction: Direction): number {
  for (let s = 5; s >= 2; s--) {
    const e = edges[s - 2];
    if (e === null) continue;
    if (direction === Direction.HIGHER_IS_BETTER ? v >= e : v <= e) return s;
  }
  return 1;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
