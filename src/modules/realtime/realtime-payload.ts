import type { CustomerDomainEvent, CustomerEventName, CustomerSnapshot, FieldChange } from '../customer';

/** What a socket receives for every customer event, under the event's own name. */
export interface CustomerRealtimePayload {
  companyId: string;
  customerId: string;
  customer: CustomerSnapshot;
  changes: Record<string, FieldChange>;
  actor: string;
  /** ISO-8601 time of the change. */
  at: string;
  /** Position in the company's stream; null only when the event could not be logged. */
  seq: number | null;
}

/** An event replayed in a subscribe ack: the name it was sent under and its payload. */
export interface MissedEvent {
  event: CustomerEventName;
  data: CustomerRealtimePayload;
}

export function toRealtimePayload(e: CustomerDomainEvent, seq: number | null): CustomerRealtimePayload {
  return {
    companyId: e.companyId,
    customerId: e.customerId,
    customer: e.customer,
    changes: e.changes ?? {},
    actor: e.actor,
    at: new Date(e.at).toISOString(),
    seq,
  };
}
