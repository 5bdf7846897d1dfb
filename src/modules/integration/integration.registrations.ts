import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '@app/common';
import {
  type MaintenanceTask,
  MaintenanceTaskProvider,
  type PurgedRecord,
  type PurgeHook,
  PurgeHookProvider,
  TenantContext,
  TenantSets,
} from '@app/tenancy';
import { type CompanyDeletionCheck, CompanyDeletionCheckProvider, type CompanyUsage, usage } from '../company';
import { ApiKeyService } from './api-keys/api-key.service';
import { integrationSettings } from './integration.settings';
import { DeliveryRepository } from './webhooks/delivery/delivery.repository';
import { MAX_WEBHOOKS } from './webhooks/webhook-endpoints';
import { WebhookRepository } from './webhooks/webhook.repository';
import { WEBHOOK_TENANTS, WebhookService } from './webhooks/webhook.service';

const DAY_MS = 86_400_000;

/** A company may not be deleted while webhooks are filtered to it: they would filter to nothing. */
@CompanyDeletionCheckProvider()
@Injectable()
export class WebhookCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly webhooks: WebhookService) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const n = await this.webhooks.filteredTo(companyId);
    return n ? usage('webhooks', n, 'webhook filtered to it', 'webhooks filtered to it') : null;
  }
}

/** Nor while API keys are limited to it: they would see nothing, or, recreated under that id, too much. */
@CompanyDeletionCheckProvider()
@Injectable()
export class ApiKeyCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly keys: ApiKeyService) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const n = await this.keys.limitedTo(companyId);
    return n ? usage('apiKeys', n, 'API key limited to it', 'API keys limited to it') : null;
  }
}

/** A record going for good takes its webhook deliveries (their bodies carry its data) with it. */
@PurgeHookProvider()
@Injectable()
export class WebhookDeliveryPurge implements PurgeHook {
  constructor(private readonly deliveries: DeliveryRepository) {}

  async purge(record: PurgedRecord): Promise<void> {
    await this.deliveries.deleteForEntity(record.entityType, record.entityId);
  }
}

/**
 * Per tenant: drops finished deliveries older than WEBHOOK_LOG_RETENTION_DAYS, and keeps the tenant in
 * the set the delivery loop polls while it has endpoints (repairing a membership lost to a race
 * between registering and deleting endpoints).
 */
@MaintenanceTaskProvider()
@Injectable()
export class WebhookMaintenanceTask implements MaintenanceTask {
  readonly name = 'webhook-log-retention';
  private readonly retentionMs: number;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly tenantSets: TenantSets,
    private readonly context: TenantContext,
    @Inject(integrationSettings.KEY) settings: Settings<typeof integrationSettings>,
  ) {
    this.retentionMs = settings.WEBHOOK_LOG_RETENTION_DAYS * DAY_MS;
  }

  async run(now: Date): Promise<number> {
    const endpoints = await this.webhooks.all(MAX_WEBHOOKS);
    if (endpoints.length) await this.tenantSets.add(WEBHOOK_TENANTS, this.context.tenantId);
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let pruned = 0;
    for (const w of endpoints) pruned += await this.deliveries.prune(w._id.toHexString(), cutoff);
    return pruned;
  }
}
