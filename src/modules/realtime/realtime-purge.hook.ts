import { Injectable } from '@nestjs/common';
import { type PurgedRecord, type PurgeHook, PurgeHookProvider, TenantContext } from '@app/tenancy';
import { COMPANY_ENTITY } from '../company';
import { DomainEventRelay } from './domain-event.relay';
import { RealtimeEventLog } from './realtime-event-log.service';

/**
 * A record that goes for good leaves no payload in its company's event log (a customer's events carry
 * full snapshots of it); a company that goes leaves no stream at all (log and counter). Events still
 * queued in the relay are waited for first, so none is logged after the erase.
 */
@PurgeHookProvider()
@Injectable()
export class RealtimePurgeHook implements PurgeHook {
  constructor(
    private readonly log: RealtimeEventLog,
    private readonly relay: DomainEventRelay,
    private readonly context: TenantContext,
  ) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (!record.companyId) return;
    await this.relay.idle(this.context.tenantId, record.companyId);
    if (record.entityType === COMPANY_ENTITY) await this.log.removeCompany(record.companyId);
    else await this.log.removeMentions(record.companyId, record.entityId);
  }
}
