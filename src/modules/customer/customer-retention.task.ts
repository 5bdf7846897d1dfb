import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '@app/common';
import { AUDIT_SINK, type AuditSink, type MaintenanceTask, MaintenanceTaskProvider, PurgeHooks } from '@app/tenancy';
import { CUSTOMER_ENTITY, CUSTOMER_PERSONAL_FIELDS } from './customer-records';
import { CustomerRepository } from './customer.repository';
import { customerSettings } from './customer.settings';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * Retention: hard-deletes customers soft-deleted more than CUSTOMER_PURGE_AFTER_DAYS ago (restorable
 * until then), and lets every module erase what it holds about each of them (purge hooks).
 */
@MaintenanceTaskProvider()
@Injectable()
export class CustomerRetentionTask implements MaintenanceTask {
  readonly name = 'customer-retention';
  private readonly retentionMs: number;

  constructor(
    @Inject(customerSettings.KEY) settings: Settings<typeof customerSettings>,
    private readonly repo: CustomerRepository,
    private readonly hooks: PurgeHooks,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {
    this.retentionMs = settings.CUSTOMER_PURGE_AFTER_DAYS * DAY_MS;
  }

  async run(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let purged = 0;
    for (;;) {
      const batch = await this.repo.findDeletedBefore(cutoff, BATCH);
      for (const c of batch) {
        if (!(await this.repo.purge(c._id, cutoff))) continue;
        purged++;
        const entityId = c._id.toHexString();
        await this.hooks.run({
          entityType: CUSTOMER_ENTITY,
          entityId,
          companyId: c.companyId,
          personalFields: CUSTOMER_PERSONAL_FIELDS,
        });
        await this.audit.record({
          action: 'customer.purged',
          entityType: CUSTOMER_ENTITY,
          entityId,
          companyId: c.companyId,
          changes: { deletedAt: { from: c.deletedAt?.toISOString() ?? null, to: null } },
        });
      }
      if (batch.length < BATCH) break;
    }
    return purged;
  }
}
