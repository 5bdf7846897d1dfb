import { predictAfter } from './versioned-writer';

describe(predictAfter.name, () => {
  const at = new Date('2026-01-02T00:00:00Z');
  const earlier = new Date('2025-01-01T00:00:00Z');
  const later = new Date('2027-01-01T00:00:00Z');

  it('applies $set, $inc, $min and $max to top-level fields as MongoDB does', () => {
    const current = { version: 3, name: 'a', total: 5, first: at, last: at, missing: undefined as Date | undefined };
    const next = predictAfter(current, {
      $set: { name: 'b' },
      $inc: { total: 2, version: 1, count: 1 },
      $min: { first: earlier, missing: later },
      $max: { last: earlier },
    });
    expect(next).toEqual({ version: 4, name: 'b', total: 7, count: 1, first: earlier, last: at, missing: later });
    expect(current.version).toBe(3);
  });

  it('keeps null under $min (null sorts first) and replaces it under $max', () => {
    const current = { version: 1, first: null as Date | null, last: null as Date | null };
    expect(predictAfter(current, { $min: { first: at }, $max: { last: at } })).toMatchObject({ first: null, last: at });
  });
});
