/**
 * What a customer's health reads besides purchases, status and `lastActivityAt`: its overdue open tasks
 * (Activity module) and the value of its open deals (Opportunity module). A narrow port like
 * PURCHASE_HISTORY, so scoring stays pure and neither module's storage is analytics' business.
 */
export interface CustomerWorkSignals {
  /** Open tasks with `dueAt` before asOf, on the customer and on its deals. */
  overdueTasks: number;
  /** Σ amount of its live open deals, minor units. */
  openOpportunityMinor: number;
}

export interface HealthSignalsSource {
  /**
   * For a company's full recompute, two reads in all (not one per customer): the customers with overdue
   * tasks and those with open deals; a customer absent from both has zeros.
   */
  ofCompany(companyId: string, asOf: Date): Promise<(customerId: string) => CustomerWorkSignals>;
  /**
   * For one customer's incremental update: three indexed reads, `lastActivityAt` among them (read from
   * the activities: an activity event is emitted before the customer's rollup is refreshed).
   */
  ofCustomer(customerId: string, asOf: Date): Promise<CustomerWorkSignals & { lastActivityAt: Date | null }>;
}

export const HEALTH_SIGNALS = Symbol('HealthSignalsSource');
