import type { FieldDiff } from '@app/common';
import { DomainEvent } from '@app/tenancy';
import type { ApiKeyResponse } from '../api-keys/dto/api-key.dto';
import type { WebhookResponse } from '../webhooks/dto/webhook.dto';

/** Events of webhook endpoints: tenant-wide (no company room), like the tenant's other settings. */
export enum WebhookEventName {
  CREATED = 'webhook.created',
  UPDATED = 'webhook.updated',
  DELETED = 'webhook.deleted',
  SECRET_ROTATED = 'webhook.secret_rotated',
  /** By an admin, on a 410 Gone, or after failing for WEBHOOK_DISABLE_AFTER_MS. */
  DISABLED = 'webhook.disabled',
}

export enum ApiKeyEventName {
  CREATED = 'api_key.created',
  REVOKED = 'api_key.revoked',
}

export class WebhookDomainEvent extends DomainEvent {
  readonly companyId = null;

  constructor(
    readonly name: WebhookEventName,
    readonly tenantId: string,
    readonly actor: string,
    readonly at: Date,
    readonly webhook: WebhookResponse,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return { webhook: this.webhook, changes: this.changes, actor: this.actor, at: this.at.toISOString() };
  }
}

export class ApiKeyDomainEvent extends DomainEvent {
  readonly companyId = null;

  constructor(
    readonly name: ApiKeyEventName,
    readonly tenantId: string,
    readonly actor: string,
    readonly at: Date,
    readonly apiKey: ApiKeyResponse,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return { apiKey: this.apiKey, actor: this.actor, at: this.at.toISOString() };
  }
}
