import { Inject, Injectable } from '@nestjs/common';
import {
  type OutboxConsumer,
  OutboxConsumerProvider,
  type OutboxEvent,
  type OutboxEventHead,
  TenantContext,
} from '@app/tenancy';
import { CLOCK, type Clock } from '../../clock';
import { WebhookEndpoints } from '../webhook-endpoints';
import { DeliveryRepository } from './delivery.repository';
import { WebhookDeliveryWorker } from './delivery.worker';
import { messageIdOf, newDelivery } from './new-delivery';

/**
 * The outbox's webhook consumer: asked before every versioned write whether an active endpoint of the
 * tenant wants the event (from the endpoint cache, no query), and given each landed event to record one
 * delivery per matching endpoint (idempotently: delivery ids derive from the event) and send it.
 */
@OutboxConsumerProvider()
@Injectable()
export class WebhookFanOut implements OutboxConsumer {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly deliveries: DeliveryRepository,
    private readonly worker: WebhookDeliveryWorker,
    private readonly context: TenantContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async wants(head: OutboxEventHead): Promise<boolean> {
    return (await this.endpoints.matching(head)).length > 0;
  }

  async consume(event: OutboxEvent): Promise<void> {
    const targets = await this.endpoints.matching(event);
    if (!targets.length) return;
    const now = this.clock.now();
    const docs = targets.map((w) =>
      newDelivery({
        webhookId: w._id.toHexString(),
        messageId: messageIdOf(event.id),
        eventType: event.name,
        occurredAt: event.at,
        data: event.payload,
        entityType: event.entityType,
        entityId: event.entityId,
        companyId: event.companyId,
        ping: false,
        now,
      }),
    );
    const fresh = await this.deliveries.insertNew(docs);
    this.worker.kick(this.context.tenantId, fresh);
  }
}
