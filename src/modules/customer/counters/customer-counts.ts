import type { CustomerLean } from '../schemas/customer.schema';

/**
 * What one customer adds to its company's counters, as `$inc` paths: live customers only (soft-deleted
 * ones count nowhere), by status and source, their revenue in minor units, and their creation day
 * (UTC) for "new in the last 30 days".
 */
export type Counts = Record<string, number>;

type Counted = Pick<CustomerLean, 'status' | 'source' | 'totalRevenueMinor' | 'createdAt' | 'deletedAt'>;

export function createdDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function countsOf(c: Counted | null): Counts {
  if (!c || c.deletedAt) return {};
  return {
    total: 1,
    [`status.${c.status}`]: 1,
    [`source.${c.source}`]: 1,
    revenueMinor: c.totalRevenueMinor,
    [`created.${createdDay(c.createdAt)}`]: 1,
  };
}

/** after − before, without the paths that do not change. */
export function countsDelta(before: Counted | null, after: Counted | null): Counts {
  const delta: Counts = { ...countsOf(after) };
  for (const [k, v] of Object.entries(countsOf(before))) delta[k] = (delta[k] ?? 0) - v;
  return Object.fromEntries(Object.entries(delta).filter(([, v]) => v !== 0));
}

/** Adds `b` into `a`. */
export function addCounts(a: Counts, b: Counts): Counts {
  for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  return a;
}

/** Paths whose values differ (zeros and missing paths are equal). */
export function countsDrift(expected: Counts, actual: Counts): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].filter((k) => (expected[k] ?? 0) !== (actual[k] ?? 0)).sort();
}
