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
    expect(
      healthScore(DEFAULT_HEALTH_MODEL, { asOf, rfm: null, status: 'active', lastActivityAt: null }).components[1],
    ).toMatchObject({ key: HealthComponentKey.ACTIVITY, value: 0, detail: 'no activity' });
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
