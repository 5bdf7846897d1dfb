import { CohortMetric, CohortTable, parseMonth } from './cohorts';
import type { Purchase } from './rfm';

const p = (iso: string, major: number): Purchase => ({
  at: new Date(`${iso}T12:00:00Z`),
  amountMinor: major * 100,
  count: 1,
});
const asOf = new Date('2026-04-15T00:00:00Z');
const customers: Purchase[][] = [
  [p('2026-01-05', 100), p('2026-02-10', 50), p('2026-02-20', 25), p('2026-04-02', 10)], // X, cohort 2026-01
  [p('2026-01-20', 200), p('2026-03-03', 100)], // Y, cohort 2026-01
  [p('2026-02-14', 40), p('2026-03-01', 60)], // Z, cohort 2026-02
  [p('2026-05-01', 70)], // W: after asOf, in no cohort
  [],
];

function table(metric: CohortMetric, from?: string, to?: string) {
  const t = new CohortTable(metric, asOf, from ? parseMonth(from) : undefined, to ? parseMonth(to) : undefined);
  customers.forEach((c) => t.add(c));
  return t.result();
}

describe(CohortTable.name, () => {
  it('counts customers who purchased again per later month (unfinished month null)', () => {
    expect(table(CohortMetric.CUSTOMERS)).toEqual([
      {
        cohort: '2026-01',
        size: 2,
        periods: [
          { period: 0, month: '2026-01', value: 2, ratio: 1 },
          { period: 1, month: '2026-02', value: 1, ratio: 0.5 },
          { period: 2, month: '2026-03', value: 1, ratio: 0.5 },
          { period: 3, month: '2026-04', value: null, ratio: null },
        ],
      },
      {
        cohort: '2026-02',
        size: 1,
        periods: [
          { period: 0, month: '2026-02', value: 1, ratio: 1 },
          { period: 1, month: '2026-03', value: 1, ratio: 1 },
          { period: 2, month: '2026-04', value: null, ratio: null },
        ],
      },
    ]);
  });

  it('adds revenue per later month as a ratio of the cohort month', () => {
    const rows = table(CohortMetric.REVENUE);
    expect(rows[0].periods.map((x) => [x.value, x.ratio])).toEqual([
      [30000, 1],
      [7500, 0.25],
      [10000, 0.3333],
      [null, null],
    ]);
    expect(rows[1].periods.map((x) => [x.value, x.ratio])).toEqual([
      [4000, 1],
      [6000, 1.5],
      [null, null],
    ]);
  });

  it('keeps only cohorts from..to', () => {
    expect(table(CohortMetric.CUSTOMERS, '2026-02', '2026-12').map((r) => r.cohort)).toEqual(['2026-02']);
    expect(table(CohortMetric.CUSTOMERS, '2025-01', '2026-01').map((r) => r.cohort)).toEqual(['2026-01']);
  });
});
