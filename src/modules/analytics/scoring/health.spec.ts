import { bandOf, DEFAULT_HEALTH_MODEL, HealthBand, HealthComponentKey, healthScore, type HealthModel } from './health';
import type { RfmScore } from './rfm';
import { RfmSegment } from './rfm';

const asOf = new Date('2026-06-30T00:00:00Z');
const rfm = (r: number, f: number, m: number): RfmScore => ({
  recencyDays: 1,
  frequency: 1,
  monetaryMinor: 10000,
  r,
  f,
  m,
  code: `${r}${f}${m}`,
  segment: RfmSegment.CHAMPIONS,
});

describe('healthScore', () => {
  it('weighs only the measures the system has (RFM and status): 100·(35·11/12 + 20·1)/55 = 94.7 → 95', () => {
    const h = healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: rfm(5, 5, 4), status: 'active' });
    expect(h.score).toBe(95);
    expect(h.band).toBe(HealthBand.GREEN);
    const byKey = Object.fromEntries(h.components.map((c) => [c.key, c]));
    expect(byKey.rfm).toMatchObject({ weight: 35, value: 0.916667, points: 58.333333, detail: 'RFM 554' });
    expect(byKey.status).toMatchObject({ weight: 20, value: 1, points: 36.363636 });
    expect(byKey.activity).toMatchObject({ value: null, points: 0, detail: 'activities not tracked' });
  });

  it('scores RFM 332 active as yellow (62.9 → 63) and 111 churned as red 0', () => {
    expect(healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: rfm(3, 3, 2), status: 'active' })).toMatchObject({
      score: 63,
      band: HealthBand.YELLOW,
    });
    expect(healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: rfm(1, 1, 1), status: 'churned' })).toMatchObject({
      score: 0,
      band: HealthBand.RED,
    });
    // No purchase: RFM counts 0; inactive 0.5 → 100·(20·0.5)/55 = 18.2 → 18.
    expect(healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: null, status: 'inactive' }).score).toBe(18);
  });

  it('uses activity, overdue tasks and open opportunities when known', () => {
    const lastActivityAt = new Date(asOf.getTime() - 48.5 * 86_400_000); // (90 − 48.5) / 83 = 0.5
    const h = healthScore(DEFAULT_HEALTH_MODEL, {
      asOf,
      rfm: rfm(3, 3, 3), // 6/12 = 0.5
      status: 'inactive', // 0.5
      lastActivityAt,
      overdueTasks: 2, // 1 − 0.5 = 0.5
      openOpportunityMinor: 5000, // 5000 / 10000 = 0.5
    });
    expect(h.components.map((c) => c.value)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(h.score).toBe(50);
    // Each component names the raw measures it was computed from.
    expect(h.components.map((c) => c.inputs)).toEqual([
      { r: 3, f: 3, m: 3 },
      { daysSinceLastActivity: 48 },
      { overdueTasks: 2 },
      { status: 'inactive' },
      { openOpportunityValue: 50, revenueInWindow: 100 },
    ]);
    expect(
      healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: null, status: 'active', lastActivityAt: null }).components[1],
    ).toMatchObject({ key: HealthComponentKey.ACTIVITY, value: 0, detail: 'no activity' });
  });

  it('overdue tasks take exactly w·0.25/Σw·100 points each; open deal value adds up to its weight', () => {
    const base = { asOf, rfm: rfm(3, 3, 3), status: 'active', lastActivityAt: null, openOpportunityMinor: 0 };
    // 100 · (35·0.5 + 0 + 10·v + 20·1 + 0) / 100: none overdue 47.5 → 48; one 45 → 45; four or more 37.5 → 38.
    expect(healthScore(DEFAULT_HEALTH_MODEL, { ...base, overdueTasks: 0 }).score).toBe(48);
    expect(healthScore(DEFAULT_HEALTH_MODEL, { ...base, overdueTasks: 1 }).score).toBe(45);
    expect(healthScore(DEFAULT_HEALTH_MODEL, { ...base, overdueTasks: 4 }).score).toBe(38);
    expect(healthScore(DEFAULT_HEALTH_MODEL, { ...base, overdueTasks: 9 }).score).toBe(38);
    // Open deals against 100.00 of revenue in the window: 25.00 → +2.5; 100.00 or more → +10 (capped).
    const withOpen = (openOpportunityMinor: number) =>
      healthScore(DEFAULT_HEALTH_MODEL, { ...base, overdueTasks: 0, openOpportunityMinor });
    expect(withOpen(2500).components[4]).toMatchObject({ value: 0.25, points: 2.5 });
    expect(withOpen(2500).score).toBe(50);
    expect(withOpen(50_000).components[4]).toMatchObject({ value: 1, points: 10 });
    // No revenue yet: any open deal counts fully.
    expect(
      healthScore(DEFAULT_HEALTH_MODEL, { ...base, rfm: null, overdueTasks: 0, openOpportunityMinor: 1 }).components[4],
    ).toMatchObject({ value: 1, inputs: { openOpportunityValue: 0.01, revenueInWindow: 0 } });
  });

  it('follows the tenant model: weights and band edges', () => {
    const model: HealthModel = {
      weights: { rfm: 0, activity: 0, overdueTasks: 0, status: 1, openOpportunities: 0 },
      thresholds: { green: 90, yellow: 50 },
    };
    expect(healthScore(model, { asOf, rfm: rfm(1, 1, 1), status: 'inactive' })).toMatchObject({
      score: 50,
      band: HealthBand.YELLOW,
    });
    expect(bandOf(model, 89)).toBe(HealthBand.YELLOW);
    expect(bandOf(model, 90)).toBe(HealthBand.GREEN);
    expect(bandOf(model, 49)).toBe(HealthBand.RED);
  });
});
