import type { Purchase } from './rfm';

export enum CohortMetric {
  CUSTOMERS = 'customers',
  REVENUE = 'revenue',
}

/** A month as a number: year·12 + month index (UTC). */
export type MonthIndex = number;

export const monthIndex = (d: Date): MonthIndex => d.getUTCFullYear() * 12 + d.getUTCMonth();
export const monthLabel = (m: MonthIndex): string => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
export function parseMonth(label: string): MonthIndex {
  const [y, mo] = label.split('-').map(Number);
  return y * 12 + (mo - 1);
}
/** The first instant after the month. */
const monthEnd = (m: MonthIndex): number => Date.UTC(Math.floor((m + 1) / 12), (m + 1) % 12, 1);

export interface CohortPeriod {
  /** Months after the cohort's month (0: the month itself). */
  period: number;
  month: string;
  /** Customers who purchased in that month, or revenue in minor units; null while the month is unfinished. */
  value: number | null;
  /** value ÷ cohort size (customers) or ÷ the cohort month's revenue (revenue); null while unfinished. */
  ratio: number | null;
}

export interface CohortRow {
  cohort: string;
  /** Customers whose first purchase fell in the month. */
  size: number;
  periods: CohortPeriod[];
}

/**
 * The retention table, built one customer at a time (nothing but the table is kept): a customer joins the
 * cohort of the month of its first purchase; for each month from then to `asOf`'s, the cohort counts it
 * (logo retention) or adds its revenue (revenue retention) when it purchased in that month.
 */
export class CohortTable {
  private readonly rows = new Map<MonthIndex, { size: number; values: Map<number, number> }>();

  constructor(
    private readonly metric: CohortMetric,
    private readonly asOf: Date,
    private readonly from?: MonthIndex,
    private readonly to?: MonthIndex,
  ) {}

  add(purchases: readonly Purchase[]): void {
    const asOf = this.asOf.getTime();
    const live = purchases.filter((p) => p.count > 0 && p.at.getTime() <= asOf);
    if (!live.length) return;
    const cohort = Math.min(...live.map((p) => monthIndex(p.at)));
    if ((this.from !== undefined && cohort < this.from) || (this.to !== undefined && cohort > this.to)) return;
    const row = this.rows.get(cohort) ?? { size: 0, values: new Map<number, number>() };
    this.rows.set(cohort, row);
    row.size++;
    const byPeriod = new Map<number, number>();
    for (const p of live) {
      const k = monthIndex(p.at) - cohort;
      byPeriod.set(k, (byPeriod.get(k) ?? 0) + (this.metric === CohortMetric.CUSTOMERS ? 0 : p.amountMinor));
    }
    for (const [k, revenue] of byPeriod) {
      row.values.set(k, (row.values.get(k) ?? 0) + (this.metric === CohortMetric.CUSTOMERS ? 1 : revenue));
    }
  }

  result(): CohortRow[] {
    const now = monthIndex(this.asOf);
    const asOf = this.asOf.getTime();
    return [...this.rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([cohort, row]) => {
        const base = this.metric === CohortMetric.CUSTOMERS ? row.size : (row.values.get(0) ?? 0);
        const periods: CohortPeriod[] = [];
        for (let k = 0; cohort + k <= now; k++) {
          const finished = monthEnd(cohort + k) <= asOf;
          const value = finished ? (row.values.get(k) ?? 0) : null;
          periods.push({
            period: k,
            month: monthLabel(cohort + k),
            value,
            ratio: value === null || base === 0 ? null : Math.round((value / base) * 1e4) / 1e4,
          });
        }
        return { cohort: monthLabel(cohort), size: row.size, periods };
      });
  }
}
