import type { DomainEvent } from '@app/tenancy';

/**
 * What a socket receives for an event, under the event's own name: the event's public payload
 * (`{ companyId, customerId, customer, changes, actor, at }` for customer events) and its position in
 * the company's stream.
 */
export type RealtimePayload = Record<string, unknown> & {
  /** Position in the company's stream; null only when the event could not be logged. */
  seq: number | null;
};

/** An event replayed in a subscribe ack: the name it was sent under and its payload. */
export interface MissedEvent {
  event: string;
  data: RealtimePayload;
}

export function toRealtimePayload(e: DomainEvent, seq: number | null): RealtimePayload {
  return { ...e.payload(), seq };
}
