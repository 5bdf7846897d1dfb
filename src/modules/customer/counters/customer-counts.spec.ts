import { CustomerSource, CustomerStatus } from '../customer.enums';
import { countsDelta, countsDrift, countsOf } from './customer-counts';

const at = new Date('2026-12-04T10:00:00Z');
const live = {
  status: CustomerStatus.ACTIVE,
  source: CustomerSource.DIRECT,
  totalRevenueMinor: 500,
  createdAt: at,
  deletedAt: null,
};

describe('customer counts', () => {
  it('counts a live customer by status, source, revenue and creation day; a deleted one nowhere', () => {
    expect(countsOf(live)).toEqual({
      total: 1,
      'status.active': 1,
      'source.direct': 1,
      revenueMinor: 500,
      'created.2026-12-04': 1,
    });
    expect(countsOf({ ...live, deletedAt: at })).toEqual({});
  });

  it('moves only what a write changed', () => {
    expect(countsDelta(null, live)).toEqual(countsOf(live));
    expect(countsDelta(live, { ...live, status: CustomerStatus.CHURNED })).toEqual({
      'status.active': -1,
      'status.churned': 1,
    });
    expect(countsDelta(live, { ...live, totalRevenueMinor: 800 })).toEqual({ revenueMinor: 300 });
    expect(countsDelta(live, { ...live, deletedAt: at })).toEqual({
      total: -1,
      'status.active': -1,
      'source.direct': -1,
      revenueMinor: -500,
      'created.2026-12-04': -1,
    });
    expect(countsDelta(live, { ...live })).toEqual({});
  });

  it('finds drift, zeros and missing paths being equal', () => {
    expect(countsDrift({ total: 2, revenueMinor: 0 }, { total: 2 })).toEqual([]);
    expect(countsDrift({ total: 2 }, { total: 3, 'status.active': 1 })).toEqual(['status.active', 'total']);
  });
});
