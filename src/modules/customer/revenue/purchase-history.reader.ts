import { Injectable } from '@nestjs/common';
import type { RevenueEntryLean } from './revenue-entry.schema';
import { RevenueLedgerRepository } from './revenue-ledger.repository';

/** A purchase as the ledger nets it: a reversed entry and its reversal are both left out. */
export interface LedgerPurchase {
  at: Date;
  amountMinor: number;
  /** Purchases the entry counts (1, or n for an opening balance). */
  purchases: number;
}

export interface CustomerLedgerPurchases {
  customerId: string;
  companyId: string;
  purchases: LedgerPurchase[];
}

const BATCH = 2000;

/**
 * Read-only view of the ledger for analytics: each customer's purchases net of reversals, one customer
 * at a time (a reader holds one customer's entries, never the company's).
 */
@Injectable()
export class PurchaseHistoryReader {
  constructor(private readonly repo: RevenueLedgerRepository) {}

  async *customers(companyIds: readonly string[]): AsyncGenerator<CustomerLedgerPurchases> {
    let group: RevenueEntryLean[] = [];
    for await (const entry of this.repo.streamByCustomer(companyIds, BATCH)) {
      if (group.length && group[0].customerId !== entry.customerId) {
        yield netted(group);
        group = [];
      }
      group.push(entry);
    }
    if (group.length) yield netted(group);
  }

  async ofCustomer(customerId: string): Promise<LedgerPurchase[]> {
    // limit 0: no limit (one customer's entries).
    const entries = await this.repo.find({ customerId }, { at: -1, _id: -1 }, 0);
    return entries.length ? netted(entries).purchases : [];
  }
}

function netted(entries: RevenueEntryLean[]): CustomerLedgerPurchases {
  const reversed = new Set(entries.filter((e) => e.reverses !== null).map((e) => e.reverses));
  return {
    customerId: entries[0].customerId,
    companyId: entries[0].companyId,
    purchases: entries
      .filter((e) => e.reverses === null && !reversed.has(e.key))
      .map((e) => ({ at: e.at, amountMinor: e.amountMinor, purchases: e.purchases })),
  };
}
