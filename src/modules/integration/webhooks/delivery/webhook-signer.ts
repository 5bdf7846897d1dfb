import { Webhook } from 'standardwebhooks';
import type { WebhookSecret } from '../schemas/webhook.schema';

/**
 * Standard Webhooks headers for one attempt, signed with the `standardwebhooks` reference library:
 * `webhook-signature` is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, once per live secret
 * (space-separated), so a receiver that still holds a rotated-out secret verifies until it expires.
 */
export function signatureHeaders(
  secrets: readonly WebhookSecret[],
  messageId: string,
  body: string,
  sentAt: Date,
  now: Date,
): Record<string, string> {
  const live = secrets.filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime());
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': live.map((s) => new Webhook(s.value).sign(messageId, sentAt, body)).join(' '),
  };
}
