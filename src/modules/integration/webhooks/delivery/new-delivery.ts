import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { DeliveryStatus, type WebhookDeliveryLean } from '../schemas/webhook-delivery.schema';

export interface DeliveryInput {
  webhookId: string;
  messageId: string;
  eventType: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  entityType: string | null;
  entityId: string | null;
  companyId: string | null;
  ping: boolean;
  now: Date;
}

/**
 * The delivery of one message to one endpoint, due now. Its id is the message time (4 bytes, so ids
 * sort roughly by time like any ObjectId) and 8 bytes of SHA-256 of message and endpoint: recording
 * the same event for the same endpoint again yields the same id, which the unique `_id` turns away.
 */
export function newDelivery(i: DeliveryInput): WebhookDeliveryLean {
  const body = JSON.stringify({
    id: i.messageId,
    type: i.eventType,
    occurredAt: i.occurredAt.toISOString(),
    data: i.data,
  });
  const seconds = Math.floor(i.occurredAt.getTime() / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  const digest = createHash('sha256').update(`${i.messageId}\u0000${i.webhookId}`).digest('hex').slice(0, 16);
  return {
    _id: new Types.ObjectId(`${seconds}${digest}`),
    webhookId: i.webhookId,
    messageId: i.messageId,
    eventType: i.eventType,
    entityType: i.entityType,
    entityId: i.entityId,
    companyId: i.companyId,
    body,
    ping: i.ping,
    status: DeliveryStatus.PENDING,
    attempts: 0,
    windowStart: i.now,
    nextAttemptAt: i.now,
    lastAttemptAt: null,
    responseStatus: null,
    durationMs: null,
    responseBody: null,
    error: null,
    history: [],
    createdAt: i.now,
    updatedAt: i.now,
  };
}

/** The Standard Webhooks message id of a domain event (the same for every endpoint and attempt). */
export function messageIdOf(eventId: string): string {
  return `evt_${eventId}`;
}
