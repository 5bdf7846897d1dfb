import { Injectable } from '@nestjs/common';
import { toMajor } from '../../../domain/money';
import {
  olderThan,
  type TimelineEntry,
  type TimelineQuery,
  type TimelineSource,
  TimelineSourceProvider,
} from '../timeline/timeline-source';
import { RevenueLedgerRepository } from './revenue-ledger.repository';

/** The kind of entry, and the prefix of their keys. */
const PREFIX = 'revenue';

/**
 * Revenue on the customer's timeline, from the ledger itself: one entry per purchase, reversal or
 * opening balance, at the moment it was recorded (concurrent records may share one totals write, so
 * the customer's own audit trail is not one entry per purchase).
 */
@TimelineSourceProvider(PREFIX)
@Injectable()
export class RevenueTimelineSource implements TimelineSource {
  constructor(private readonly repo: RevenueLedgerRepository) {}

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    const rows = await this.repo.find(
      { customerId: q.customerId, ...olderThan(q.before, PREFIX, 'createdAt') },
      { createdAt: -1, _id: -1 },
      q.limit,
    );
    return rows.map((e) => {
      const amount = toMajor(e.amountMinor).toFixed(2);
      const what =
        e.reverses !== null
          ? `reversed: ${e.reason ?? ''}`.trim()
          : e.reference
            ? `recorded (${e.reference})`
            : 'recorded';
      return {
        kind: PREFIX,
        at: e.createdAt,
        actor: e.createdBy,
        summary: `Revenue of ${amount} ${what}`,
        ref: { type: 'revenue_entry', id: e._id.toHexString() },
        key: `${PREFIX}:${e._id.toHexString()}`,
      };
    });
  }
}
