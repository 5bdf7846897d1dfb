import { toMajor } from '../../../domain/money';
import type { RevenueEntryResponse } from './dto/revenue-entry.response';
import type { RevenueEntryLean } from './revenue-entry.schema';

/** An entry as clients see it; `reversal` is the entry that reversed it, if any. */
export function toRevenueEntryResponse(e: RevenueEntryLean, reversal: RevenueEntryLean | null): RevenueEntryResponse {
  return {
    id: e._id.toHexString(),
    customerId: e.customerId,
    amount: toMajor(e.amountMinor),
    purchases: e.purchases,
    at: e.at.toISOString(),
    reference: e.reference ?? null,
    source: e.source,
    reversalOf: e.reversalOf ?? null,
    reversedBy: reversal ? reversal._id.toHexString() : null,
    reason: e.reason ?? null,
    createdAt: e.createdAt.toISOString(),
    createdBy: e.createdBy,
  };
}
