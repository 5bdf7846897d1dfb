/** Limits of the per-tenant customer event log that backs catch-up (`subscribe` with `sinceSeq`). */
export interface RealtimeOptions {
  /** Events kept per company; older ones are pruned on write. */
  maxEventsPerCompany: number;
  /** Events older than this are pruned by housekeeping (and by a TTL index on MongoDB). */
  maxEventAgeMs: number;
  /** A client further behind than this gets `resync: true` instead of a replay. */
  maxReplay: number;
  /**
   * Trim a company's log on every n-th event, so trimming costs one delete per n writes; a company keeps
   * at most maxEventsPerCompany + n events. On FerretDB the delete scans the tenant's log (about 200 ms at
   * a few thousand events, holding the write lock): every 50th event made it 4 ms of every write.
   */
  pruneEvery: number;
  /** How many companies one socket may follow at once. */
  maxSubscriptionsPerSocket: number;
}

export const REALTIME_OPTIONS = Symbol('REALTIME_OPTIONS');

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  maxEventsPerCompany: 1000,
  maxEventAgeMs: 24 * 60 * 60 * 1000,
  maxReplay: 500,
  pruneEvery: 500,
  maxSubscriptionsPerSocket: 100,
};
