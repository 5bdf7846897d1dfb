/** One page of customers, the same shape as `GET /api/v1/customers?companyId=`. */
export interface CustomerPage {
  /** Customers exactly as the HTTP API returns them (opaque to this module). */
  data: object[];
  nextCursor: string | null;
}

/**
 * Where the subscribe ack's snapshot comes from. Called inside the socket's tenant context with
 * the socket's principal, so the customer module applies its own visibility rules.
 */
export interface CustomerSnapshotSource {
  firstPage(companyId: string): Promise<CustomerPage>;
}

export const CUSTOMER_SNAPSHOT_SOURCE = Symbol('CUSTOMER_SNAPSHOT_SOURCE');
