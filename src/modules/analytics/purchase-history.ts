import type { Purchase } from './scoring/rfm';

/** One customer's purchases, net of reversals (a reversed entry and its reversal both left out). */
export interface CustomerPurchases {
  customerId: string;
  companyId: string;
  purchases: Purchase[];
}

/**
 * Where scores and cohorts read purchases: the revenue ledger, behind a narrow port so that scoring
 * stays pure and the ledger's storage stays its module's business. Customers come one at a time, so a
 * consumer holds one customer's entries at once.
 */
export interface PurchaseHistorySource {
  /** Every customer with purchases in the company (or the companies), in customer-id order. */
  customers(scope: { companyIds: readonly string[] }): AsyncIterable<CustomerPurchases>;
  /** One customer's purchases (none: empty). */
  ofCustomer(customerId: string): Promise<Purchase[]>;
}

export const PURCHASE_HISTORY = Symbol('PurchaseHistorySource');
