import { Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { keysetPage, queryScope, type SortSpec } from '@app/common';
import { AUDIT_SINK, type AuditSink, LeaseClaims } from '@app/tenancy';
import { CLOCK, type Clock } from '../../clock';
import { deliveryNotFound, IntegrationError, IntegrationErrorCode } from '../../integration.errors';
import type {
  ListDeliveriesQueryDto,
  WebhookDeliveryPageResponse,
  WebhookDeliveryResponse,
} from '../dto/webhook-delivery.dto';
import { WebhookStatus } from '../schemas/webhook.schema';
import { toDeliveryResponse } from '../webhook.mapper';
import { WEBHOOK_ENTITY, WebhookService } from '../webhook.service';
import { DeliveryRepository } from './delivery.repository';
import { attemptClaimKey, WebhookDeliveryWorker } from './delivery.worker';
import { messageIdOf, newDelivery } from './new-delivery';

const NEWEST_FIRST: SortSpec = { key: '-createdAt', field: 'createdAt', kind: 'date', direction: -1 };
const DEFAULT_PAGE = 25;
const CLAIM_MS = 30_000;

/** An endpoint's delivery log, manual retries and test pings (the endpoint must be visible to the caller). */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly deliveries: DeliveryRepository,
    private readonly worker: WebhookDeliveryWorker,
    private readonly leases: LeaseClaims,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(webhookId: string, query: ListDeliveriesQueryDto): Promise<WebhookDeliveryPageResponse> {
    await this.webhooks.load(webhookId);
    const filter: Record<string, unknown> = { webhookId };
    if (query.status) filter.status = query.status;
    const page = await keysetPage({
      filter,
      sort: NEWEST_FIRST,
      scope: queryScope({ webhookId, status: query.status }),
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE,
      find: (where, sort, limit) => this.deliveries.find(where, sort, limit),
    });
    return { data: page.rows.map(toDeliveryResponse), nextCursor: page.nextCursor };
  }

  /** Sends a `webhook.ping` now (one attempt, even to a disabled endpoint) and answers with its outcome. */
  async ping(webhookId: string): Promise<WebhookDeliveryResponse> {
    await this.webhooks.load(webhookId);
    const now = this.clock.now();
    const doc = newDelivery({
      webhookId,
      messageId: messageIdOf(new Types.ObjectId().toHexString()),
      eventType: 'webhook.ping',
      occurredAt: now,
      data: { webhookId, message: 'ping' },
      entityType: null,
      entityId: null,
      companyId: null,
      ping: true,
      now,
    });
    await this.deliveries.insertNew([doc]);
    await this.audit.record({ action: 'webhook.tested', entityType: WEBHOOK_ENTITY, entityId: webhookId, changes: {} });
    return this.attemptAndShow(doc._id.toHexString(), 0);
  }

  /** Makes a delivery due now with a fresh retry window, attempts it, and answers with its outcome. */
  async retry(webhookId: string, deliveryId: string): Promise<WebhookDeliveryResponse> {
    const w = await this.webhooks.load(webhookId);
    const d = await this.deliveries.findById(deliveryId);
    if (!d || d.webhookId !== webhookId) throw deliveryNotFound(deliveryId);
    if (w.status === WebhookStatus.DISABLED && !d.ping) {
      throw new IntegrationError(IntegrationErrorCode.WEBHOOK_DISABLED, 'The webhook is disabled; enable it first.');
    }
    const inProgress = () =>
      new IntegrationError(IntegrationErrorCode.DELIVERY_IN_PROGRESS, 'The delivery is being attempted right now.');
    const claim = await this.leases.tryClaim(attemptClaimKey(deliveryId, d.attempts), CLAIM_MS);
    if (!claim) throw inProgress();
    try {
      const current = await this.deliveries.findById(deliveryId);
      if (!current || current.attempts !== d.attempts) throw inProgress();
      await this.deliveries.reschedule(current._id, this.clock.now());
    } finally {
      await claim.release();
    }
    await this.audit.record({
      action: 'webhook.delivery_retried',
      entityType: WEBHOOK_ENTITY,
      entityId: webhookId,
      changes: { delivery: { from: { id: deliveryId, status: d.status }, to: { id: deliveryId, status: 'pending' } } },
    });
    return this.attemptAndShow(deliveryId, d.attempts);
  }

  private async attemptAndShow(id: string, attempts: number): Promise<WebhookDeliveryResponse> {
    const after = (await this.worker.attempt(id, attempts)) ?? (await this.deliveries.findById(id));
    if (!after) throw deliveryNotFound(id);
    return toDeliveryResponse(after);
  }
}
