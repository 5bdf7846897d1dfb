import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig, IdempotencyStore, NodeEnv } from '@app/common';
import { systemPrincipal, TenantDirectory, TenantRunner, TenantStatus } from '@app/tenancy';
import { AuditService } from '../audit/audit.service';
import { CUSTOMER_ENTITY } from './customer-writer';
import { CustomerRepository } from './customer.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;
const ACTOR = 'customer-purge';

export interface PurgeReport {
  tenants: number;
  purged: number;
  keysSwept: number;
  failed: string[];
}

/**
 * Housekeeping per tenant, every CUSTOMER_PURGE_INTERVAL_MS: hard-deletes customers soft-deleted
 * more than CUSTOMER_PURGE_AFTER_DAYS ago, and sweeps expired Idempotency-Keys (FerretDB has no
 * TTL index). Never scheduled under NODE_ENV=test; tests call `purgeAllTenants` themselves.
 */
@Injectable()
export class CustomerPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CustomerPurgeService.name);
  private readonly retentionMs: number;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeReport>;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly directory: TenantDirectory,
    private readonly runner: TenantRunner,
    private readonly repo: CustomerRepository,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyStore,
  ) {
    this.retentionMs = config.get('CUSTOMER_PURGE_AFTER_DAYS', { infer: true }) * DAY_MS;
    this.intervalMs = config.get('CUSTOMER_PURGE_INTERVAL_MS', { infer: true });
    this.enabled = config.get('NODE_ENV', { infer: true }) !== NodeEnv.TEST && this.intervalMs > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => {
      this.purgeAllTenants().catch((err: unknown) => this.logger.error({ err }, 'customer purge failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every active tenant; overlapping calls share the pass already running. */
  purgeAllTenants(now = new Date()): Promise<PurgeReport> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Purges the current tenant (inside runInTenant or a request). */
  async purgeTenant(now = new Date()): Promise<{ purged: number; keysSwept: number }> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let purged = 0;
    for (;;) {
      const batch = await this.repo.findDeletedBefore(cutoff, BATCH);
      for (const c of batch) {
        if (!(await this.repo.purge(c._id, cutoff))) continue;
        purged++;
        await this.audit.record({
          action: 'customer.purged',
          entityType: CUSTOMER_ENTITY,
          entityId: c._id.toHexString(),
          companyId: c.companyId,
          changes: { deletedAt: { from: c.deletedAt?.toISOString() ?? null, to: null } },
        });
      }
      if (batch.length < BATCH) break;
    }
    await this.idempotency.ensureTtlIndex();
    const keysSwept = await this.idempotency.sweepExpired(now);
    return { purged, keysSwept };
  }

  private async pass(now: Date): Promise<PurgeReport> {
    const report: PurgeReport = { tenants: 0, purged: 0, keysSwept: 0, failed: [] };
    for (const tenant of await this.directory.list()) {
      if (tenant.status !== TenantStatus.ACTIVE) continue;
      try {
        const r = await this.runner.runInTenant(
          tenant._id,
          () => this.purgeTenant(now),
          systemPrincipal(tenant._id, ACTOR),
        );
        report.tenants++;
        report.purged += r.purged;
        report.keysSwept += r.keysSwept;
      } catch (err) {
        // One broken tenant must not stop the others.
        report.failed.push(tenant._id);
        this.logger.error({ err, tenant: tenant._id }, 'customer purge failed for tenant');
      }
    }
    if (report.purged) this.logger.log(report, 'customers purged');
    return report;
  }
}
