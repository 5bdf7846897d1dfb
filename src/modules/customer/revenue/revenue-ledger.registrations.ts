import { Injectable } from '@nestjs/common';
import {
  type PurgedRecord,
  type PurgeHook,
  PurgeHookProvider,
  type TenantMigration,
  TenantMigrationProvider,
} from '@app/tenancy';
import { CUSTOMER_ENTITY } from '../customer-records';
import { CustomerRepository } from '../customer.repository';
import { RevenueLedgerRepository } from './revenue-ledger.repository';
import { RevenueLedgerService } from './revenue-ledger.service';
import { CustomerEventName } from '../events/customer.events';

const BATCH = 200;

/** A customer going for good takes its ledger with it. */
@PurgeHookProvider()
@Injectable()
export class RevenueLedgerPurge implements PurgeHook {
  constructor(private readonly repo: RevenueLedgerRepository) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (record.entityType === CUSTOMER_ENTITY) await this.repo.removeForCustomer(record.entityId);
  }
}

/**
 * Opening entries for the revenue totals customers had before the ledger existed (see
 * RevenueLedgerService.adopt), then totals reconciled with the ledger. Idempotent: opening entries have
 * fixed keys, and customers with entries already are left alone.
 */
@TenantMigrationProvider()
@Injectable()
export class RevenueLedgerMigration implements TenantMigration {
  readonly id = '2026-12-revenue-ledger-opening-entries';
  readonly description = 'revenue ledger: opening entries for existing customer totals';

  constructor(
    private readonly customers: CustomerRepository,
    private readonly ledger: RevenueLedgerService,
  ) {}

  async run(): Promise<number> {
    let created = 0;
    let after: unknown = null;
    for (;;) {
      const rows = await this.customers.find(
        {
          $or: [{ purchaseCount: { $gt: 0 } }, { totalRevenueMinor: { $ne: 0 } }],
          ...(after ? { _id: { $gt: after } } : {}),
        },
        { _id: 1 },
        BATCH,
      );
      for (const c of rows) {
        const n = await this.ledger.adopt(c);
        if (n)
          await this.ledger.reconcile(c._id.toHexString(), CustomerEventName.REVENUE_RECORDED, {
            includeDeleted: true,
          });
        created += n;
      }
      if (rows.length < BATCH) return created;
      after = rows[rows.length - 1]._id;
    }
  }
}
