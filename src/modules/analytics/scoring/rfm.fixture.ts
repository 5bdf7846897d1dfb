import type { Purchase } from './rfm';

const p = (iso: string, major: number, count = 1): Purchase => ({
  at: new Date(`${iso}T00:00:00Z`),
  amountMinor: Math.round(major * 100),
  count,
});

/**
 * The hand-worked tenant of the README and the tests. As of 2026-06-30, window 365 days (from 2025-06-30):
 *
 * | customer | purchases (≤ asOf)                      | recency | F | M (cents) | R F M | segment            |
 * |----------|-----------------------------------------|---------|---|-----------|-------|--------------------|
 * | A        | 06-25 100, 05-01 50, 01-10 20            | 5       | 3 | 17000     | 5 5 4 | champions          |
 * | B        | 06-20 300                                | 10      | 1 | 30000     | 4 3 5 | potential_loyalist |
 * | C        | 2026-03-01 10, 2025-03-01 500 (outside)  | 121     | 1 | 1000      | 3 3 2 | need_attention     |
 * | D        | 2025-12-31 20 + 20                       | 181     | 2 | 4000      | 2 4 3 | at_risk            |
 * | E        | 2025-01-15 80 (outside)                  | 531     | 0 | 0         | 1 1 1 | lost               |
 * | F        | 2026-07-05 (after asOf)                  |         |   |           |       | no_purchase        |
 * | G        | none                                     |         |   |           |       | no_purchase        |
 *
 * Frequencies [3,1,1,2,0]: the two 1s tie (mid-rank (1 + 2/2)/5 = 0.4 → 3).
 * As of 2026-03-31 (window from 2025-03-31): A 80 days/1/2000 → 434 potential_loyalist, C 30/1/1000 → 532
 * potential_loyalist, D 90/2/4000 → 255 cannot_lose, E 440/0/0 → 111 lost; B, F, G no_purchase.
 */
export const RFM_FIXTURE: Record<string, Purchase[]> = {
  A: [p('2026-06-25', 100), p('2026-05-01', 50), p('2026-01-10', 20)],
  B: [p('2026-06-20', 300)],
  C: [p('2026-03-01', 10), p('2025-03-01', 500)],
  D: [p('2025-12-31', 20), p('2025-12-31', 20)],
  E: [p('2025-01-15', 80)],
  F: [p('2026-07-05', 60)],
  G: [],
};

export const RFM_AS_OF = new Date('2026-06-30T00:00:00Z');
export const RFM_PAST_AS_OF = new Date('2026-03-31T00:00:00Z');
