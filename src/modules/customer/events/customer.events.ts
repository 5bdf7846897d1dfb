import { DomainEvent } from '@app/tenancy';

/**
 * The Customer module's domain events: past-tense facts, emitted through @nestjs/event-emitter
 * only after the write they describe has succeeded. Other modules (realtime) listen to these
 * names and payloads; they never import the customer schema.
 */
export enum CustomerEventName {
  CREATED = 'customer.created',
  UPDATED = 'customer.updated',
  DELETED = 'customer.deleted',
  RESTORED = 'customer.restored',
  STATUS_CHANGED = 'customer.status_changed',
  ASSIGNED = 'customer.assigned',
  CONTACTS_CHANGED = 'customer.contacts_changed',
  REVENUE_RECORDED = 'customer.revenue_recorded',
  REVENUE_REVERSED = 'customer.revenue_reversed',
  /** A merge's source: now status merged, `changes.mergedInto` names the survivor. */
  MERGED = 'customer.merged',
}

export const CUSTOMER_EVENT_NAMES: readonly CustomerEventName[] = Object.values(CustomerEventName);

/** Before and after of one changed field. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** The customer as API clients see it (same shape as GET /customers/:id). */
export interface CustomerSnapshot {
  id: string;
  companyId: string;
  [field: string]: unknown;
}

/** Payload of every customer event. Tenant and company are explicit: listeners run outside requests. */
export class CustomerDomainEvent extends DomainEvent {
  constructor(
    readonly name: CustomerEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly customerId: string,
    readonly actor: string,
    readonly at: Date,
    /** The customer after the change (for deleted: as it was when deleted). */
    readonly customer: CustomerSnapshot,
    /** Changed fields only. Empty for created/deleted/restored. */
    readonly changes: Record<string, FieldChange>,
    readonly requestId?: string,
  ) {
    super();
  }

  /** What sockets in the company room receive (with their stream's `seq`). */
  payload(): Record<string, unknown> {
    return {
      companyId: this.companyId,
      customerId: this.customerId,
      customer: this.customer,
      changes: this.changes ?? {},
      actor: this.actor,
      at: new Date(this.at).toISOString(),
    };
  }
}
