import { Injectable } from '@nestjs/common';
import { type PurgedRecord, type PurgeHook, PurgeHookProvider, TenantContext } from '@app/tenancy';
import { COMPANY_ENTITY } from '../company';
import { CUSTOMER_ENTITY } from '../customer';
import { CustomerEventLog } from './customer-event-log.service';
import { CustomerEventRelay } from './customer-event.relay';

/**
 * A customer that goes for good leaves no payload in its company's event log (they are full customer
 * snapshots); a company that goes leaves no stream at all (log and counter). Events still queued in
 * the relay are waited for first, so none is logged after the erase.
 */
@PurgeHookProvider()
@Injectable()
export class RealtimePurgeHook implements PurgeHook {
  constructor(
    private readonly log: CustomerEventLog,
    private readonly relay: CustomerEventRelay,
    private readonly context: TenantContext,
  ) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (!record.companyId) return;
    if (record.entityType !== CUSTOMER_ENTITY && record.entityType !== COMPANY_ENTITY) return;
    await this.relay.idle(this.context.tenantId, record.companyId);
    if (record.entityType === CUSTOMER_ENTITY) await this.log.removeCustomer(record.companyId, record.entityId);
    else await this.log.removeCompany(record.companyId);
  }
}
