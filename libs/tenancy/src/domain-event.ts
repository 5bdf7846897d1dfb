import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * A fact about tenant data, emitted through @nestjs/event-emitter under its `name` only after the
 * write it describes succeeded. Every module's events extend this, so the platform can carry them
 * without knowing the module: events filed under a company reach that company's realtime room (and
 * the tenant's webhooks); `payload()` is what a socket or a webhook receiver gets.
 */
export abstract class DomainEvent {
  /** Past-tense and namespaced by module: `customer.status_changed`. */
  abstract readonly name: string;
  abstract readonly tenantId: string;
  /** The company the data is filed under; null for tenant-wide facts (they reach no room). */
  abstract readonly companyId: string | null;
  /** Who did it: a user id, `apikey:<id>`, or `system`. */
  abstract readonly actor: string;
  abstract readonly at: Date;
  abstract readonly requestId?: string;

  /** The public body of the event: JSON-safe, no internal fields. */
  abstract payload(): Record<string, unknown>;
}

/**
 * Declares the names of the domain events a provider publishes, e.g.
 * `@PublishesEvents(Object.values(CustomerEventName))` on the module's service: the catalog that
 * subscriptions (webhook filters) are checked against.
 */
export const PublishesEvents = DiscoveryService.createDecorator<readonly string[]>();

/** Every domain event name the application declares. */
@Injectable()
export class DomainEventCatalog {
  private cached?: string[];

  constructor(private readonly discovery: DiscoveryService) {}

  names(): readonly string[] {
    this.cached ??= [
      ...new Set(
        this.discovery
          .getProviders({ metadataKey: PublishesEvents.KEY })
          .flatMap((w) => this.discovery.getMetadataByDecorator(PublishesEvents, w) ?? []),
      ),
    ].sort();
    return this.cached;
  }
}
