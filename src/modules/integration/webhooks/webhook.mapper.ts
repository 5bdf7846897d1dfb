import type { WebhookDeliveryResponse } from './dto/webhook-delivery.dto';
import type { WebhookResponse } from './dto/webhook.dto';
import type { WebhookDeliveryLean } from './schemas/webhook-delivery.schema';
import type { WebhookLean } from './schemas/webhook.schema';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Secrets never leave through a response (only create and rotate show the new one, once). */
export function toWebhookResponse(w: WebhookLean): WebhookResponse {
  return {
    id: w._id.toHexString(),
    url: w.url,
    events: [...w.events],
    companyIds: [...w.companyIds],
    description: w.description ?? null,
    status: w.status,
    disabledReason: w.disabledReason ?? null,
    disabledAt: iso(w.disabledAt),
    failingSince: iso(w.failingSince),
    secretCreatedAt: new Date(w.secrets[0].createdAt).toISOString(),
    createdBy: w.createdBy,
    updatedBy: w.updatedBy,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    version: w.version,
  };
}

export function toDeliveryResponse(d: WebhookDeliveryLean): WebhookDeliveryResponse {
  return {
    id: d._id.toHexString(),
    webhookId: d.webhookId,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    responseStatus: d.responseStatus ?? null,
    durationMs: d.durationMs ?? null,
    responseBody: d.responseBody ?? null,
    error: d.error ?? null,
    history: (d.history ?? []).map((a) => ({
      at: new Date(a.at).toISOString(),
      responseStatus: a.responseStatus ?? null,
      durationMs: a.durationMs,
      error: a.error ?? null,
    })),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
