import { Injectable } from '@nestjs/common';
import { ApiKeyVerifier } from '@app/auth';
import { Role } from '@app/common';
import {
  expectHidden,
  type IsolationCheck,
  type IsolationProbe,
  IsolationProbeProvider,
  TenantContext,
} from '@app/tenancy';
import type { ApiKeyWithSecretResponse } from './api-keys/dto/api-key.dto';
import { ApiKeyService } from './api-keys/api-key.service';
import { WebhookDeliveryService } from './webhooks/delivery/webhook-delivery.service';
import type { WebhookResponse } from './webhooks/dto/webhook.dto';
import { WebhookService } from './webhooks/webhook.service';

interface IntegrationFixture {
  webhook: WebhookResponse;
  apiKey: ApiKeyWithSecretResponse & { key: string };
}

/**
 * Tenant B must not read, change, rotate, ping or delete a webhook of tenant A, nor list or revoke its
 * API keys, and A's key must not authenticate in B's name (with B's slug in it, it is another key).
 * The probe's endpoint is a `.invalid` URL subscribed to an event the check never causes: nothing is sent.
 */
@IsolationProbeProvider()
@Injectable()
export class IntegrationIsolationProbe implements IsolationProbe<IntegrationFixture> {
  readonly kind = 'integration';

  constructor(
    private readonly webhooks: WebhookService,
    private readonly deliveries: WebhookDeliveryService,
    private readonly keys: ApiKeyService,
    private readonly verifier: ApiKeyVerifier,
    private readonly context: TenantContext,
  ) {}

  async plant(): Promise<IntegrationFixture> {
    const webhook = await this.webhooks.create(
      { url: 'https://isolation-probe.invalid/hook', events: ['webhook.disabled'], description: 'isolation probe' },
      { checkUrl: false },
    );
    const apiKey = await this.keys.create({ name: 'isolation probe', roles: [Role.VIEWER] });
    if (!apiKey.key) {
      await this.webhooks.remove(webhook.id, undefined, { leaveNoTrace: true });
      throw new Error('the API key was not returned');
    }
    return { webhook, apiKey: { ...apiKey, key: apiKey.key } };
  }

  async attack({ webhook, apiKey }: IntegrationFixture): Promise<IsolationCheck[]> {
    const id = webhook.id;
    const checks = await Promise.all([
      expectHidden('webhook get from tenant B', () => this.webhooks.get(id)),
      expectHidden('webhook list from tenant B', async () =>
        (await this.webhooks.list({ limit: 100 })).data.filter((w) => w.id === id),
      ),
      expectHidden('webhook update from tenant B', () => this.webhooks.update(id, { description: 'hijacked' })),
      expectHidden('webhook rotate from tenant B', () => this.webhooks.rotateSecret(id)),
      expectHidden('webhook ping from tenant B', () => this.deliveries.ping(id)),
      expectHidden('webhook deliveries from tenant B', () => this.deliveries.list(id, {})),
      expectHidden('webhook delete from tenant B', () => this.webhooks.remove(id)),
      expectHidden('API key list from tenant B', async () =>
        (await this.keys.list({ limit: 100 })).data.filter((k) => k.id === apiKey.id),
      ),
      expectHidden('API key revoke from tenant B', () => this.keys.revoke(apiKey.id)),
    ]);
    checks.push(await this.keyRefusedAs(this.context.tenantId, apiKey.key));
    return checks;
  }

  async verify({ webhook, apiKey }: IntegrationFixture): Promise<IsolationCheck[]> {
    const now = await this.webhooks.get(webhook.id);
    const same = now.version === webhook.version && now.url === webhook.url;
    const auth = await this.verifier.verify(apiKey.key).catch(() => null);
    const keyWorks = auth?.tenant?.id === this.context.tenantId;
    return [
      { name: 'webhook unchanged in tenant A', passed: same, detail: same ? 'version and url intact' : 'changed' },
      { name: 'API key still authenticates for A only', passed: keyWorks, detail: keyWorks ? 'ok' : 'refused' },
    ];
  }

  async cleanup({ webhook, apiKey }: IntegrationFixture): Promise<void> {
    await this.webhooks.remove(webhook.id, undefined, { leaveNoTrace: true });
    await this.keys.revoke(apiKey.id, { leaveNoTrace: true });
  }

  /** A's key with B's slug in place of A's must not authenticate (for B or anyone). */
  private async keyRefusedAs(tenantB: string, key: string): Promise<IsolationCheck> {
    const forged = key.replace(/^crm_[a-z0-9-]+_/, `crm_${tenantB}_`);
    const auth = await this.verifier.verify(forged).catch(() => null);
    return {
      name: "A's API key under B's name",
      passed: auth === null,
      detail: auth === null ? 'refused' : `authenticated as ${auth.principal.userId} of ${auth.tenant?.id}`,
    };
  }
}
