/** Where a revenue entry came from. */
export enum RevenueSource {
  MANUAL = 'manual',
  OPPORTUNITY = 'opportunity',
  IMPORT = 'import',
}

/** Failpoints of the ledger (see Failpoints): a crash between the entry and the customer's totals. */
export enum RevenueFailpoint {
  AFTER_ENTRY = 'revenue.after-entry',
}
