import { DiscoveryService } from '@nestjs/core';

/** What a consumer is asked before a write: enough to decide without building anything. */
export interface OutboxEventHead {
  name: string;
  tenantId: string;
  /** Null for tenant-wide events. */
  companyId: string | null;
}

/** A domain event whose write landed, as durable consumers receive it. */
export interface OutboxEvent extends OutboxEventHead {
  /** Stable for this event across every retry and every consumer. */
  id: string;
  /** The record the event is about (null for events announced outside the versioned writer). */
  entityType: string | null;
  entityId: string | null;
  actor: string;
  at: Date;
  requestId: string | null;
  /** `DomainEvent.payload()`: what a socket in the company room gets. */
  payload: Record<string, unknown>;
}

/**
 * A durable consumer of domain events (webhook delivery). Declare the provider with
 * `@OutboxConsumerProvider()`. `consume` runs in the event's tenant context and must be idempotent:
 * an event may be consumed again after a crash.
 */
export interface OutboxConsumer {
  /** Whether the event must be recorded for this consumer; called before every write, so keep it cheap. */
  wants(head: OutboxEventHead): Promise<boolean>;
  consume(event: OutboxEvent): Promise<void>;
}

export const OutboxConsumerProvider = DiscoveryService.createDecorator<void>();
