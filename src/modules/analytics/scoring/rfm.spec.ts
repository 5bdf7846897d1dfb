import { RFM_AS_OF, RFM_FIXTURE, RFM_PAST_AS_OF } from './rfm.fixture';
import { rfmValues, RfmSegment, scoreAgainst, scorePopulation, segmentOf, type RfmValues } from './rfm';

function scoreFixture(asOf: Date): Record<string, string> {
  const ids = Object.keys(RFM_FIXTURE);
  const measured = ids.map((id) => [id, rfmValues(RFM_FIXTURE[id], { asOf, windowDays: 365 })] as const);
  const buyers = measured.filter((m): m is readonly [string, RfmValues] => m[1] !== null);
  const { scores } = scorePopulation(buyers.map(([, v]) => v));
  const out: Record<string, string> = {};
  buyers.forEach(([id], i) => (out[id] = `${scores[i].code} ${scores[i].segment}`));
  for (const [id, v] of measured) if (v === null) out[id] = RfmSegment.NO_PURCHASE;
  return out;
}

describe('RFM', () => {
  it('measures recency in whole days, frequency and revenue in the window, nothing after asOf', () => {
    const w = { asOf: RFM_AS_OF, windowDays: 365 };
    expect(rfmValues(RFM_FIXTURE.A, w)).toEqual({ recencyDays: 5, frequency: 3, monetaryMinor: 17000 });
    expect(rfmValues(RFM_FIXTURE.C, w)).toEqual({ recencyDays: 121, frequency: 1, monetaryMinor: 1000 });
    expect(rfmValues(RFM_FIXTURE.D, w)).toEqual({ recencyDays: 181, frequency: 2, monetaryMinor: 4000 });
    expect(rfmValues(RFM_FIXTURE.E, w)).toEqual({ recencyDays: 531, frequency: 0, monetaryMinor: 0 });
    expect(rfmValues(RFM_FIXTURE.F, w)).toBeNull();
    expect(rfmValues(RFM_FIXTURE.G, w)).toBeNull();
  });

  it('scores the hand-worked tenant (see rfm.fixture.ts)', () => {
    expect(scoreFixture(RFM_AS_OF)).toEqual({
      A: '554 champions',
      B: '435 potential_loyalist',
      C: '332 need_attention',
      D: '243 at_risk',
      E: '111 lost',
      F: 'no_purchase',
      G: 'no_purchase',
    });
  });

  it('shows the view at a past date', () => {
    expect(scoreFixture(RFM_PAST_AS_OF)).toEqual({
      A: '434 potential_loyalist',
      B: 'no_purchase',
      C: '532 potential_loyalist',
      D: '255 cannot_lose',
      E: '111 lost',
      F: 'no_purchase',
      G: 'no_purchase',
    });
  });

  it('names every one of the 125 codes, by the documented table', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(segmentOf(r, f, m));
    expect(seen.size).toBe(11);
    expect(segmentOf(1, 1, 1)).toBe(RfmSegment.LOST);
    expect(segmentOf(1, 1, 2)).toBe(RfmSegment.HIBERNATING);
    expect(segmentOf(5, 5, 1)).toBe(RfmSegment.CHAMPIONS);
    expect(segmentOf(2, 5, 5)).toBe(RfmSegment.CANNOT_LOSE);
    expect(segmentOf(4, 1, 5)).toBe(RfmSegment.PROMISING);
    expect(segmentOf(5, 1, 3)).toBe(RfmSegment.NEW);
    expect(segmentOf(3, 2, 3)).toBe(RfmSegment.ABOUT_TO_SLEEP);
    expect(segmentOf(4, 4, 3)).toBe(RfmSegment.LOYAL);
  });

  it('scores one customer between runs as the last run would have', () => {
    const w = { asOf: RFM_AS_OF, windowDays: 365 };
    const values = ['A', 'B', 'C', 'D', 'E'].map((id) => rfmValues(RFM_FIXTURE[id], w) as RfmValues);
    const { scores, edges } = scorePopulation(values);
    values.forEach((v, i) => expect(scoreAgainst(edges, v).code).toBe(scores[i].code));
    // A new buyer: 2 days ago, once, 250.00 → R5 (≤ 5 days), F3 (1 purchase), M4 (≥ 17000, < 30000).
    expect(scoreAgainst(edges, { recencyDays: 2, frequency: 1, monetaryMinor: 25000 }).code).toBe('534');
  });
});
