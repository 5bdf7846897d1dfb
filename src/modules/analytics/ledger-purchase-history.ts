import { Injectable } from '@nestjs/common';
import { type LedgerPurchase, PurchaseHistoryReader } from '../customer';
import type { CustomerPurchases, PurchaseHistorySource } from './purchase-history';
import type { Purchase } from './scoring/rfm';

/** The port on the customer module's revenue ledger. */
@Injectable()
export class LedgerPurchaseHistory implements PurchaseHistorySource {
  constructor(private readonly ledger: PurchaseHistoryReader) {}

  async *customers(scope: { companyIds: readonly string[] }): AsyncIterable<CustomerPurchases> {
    if (!scope.companyIds.length) return;
    for await (const c of this.ledger.customers(scope.companyIds)) {
      yield { customerId: c.customerId, companyId: c.companyId, purchases: c.purchases.map(toPurchase) };
    }
  }

  async ofCustomer(customerId: string): Promise<Purchase[]> {
    return (await this.ledger.ofCustomer(customerId)).map(toPurchase);
  }
}

const toPurchase = (p: LedgerPurchase): Purchase => ({ at: p.at, amountMinor: p.amountMinor, count: p.purchases });
