import { Injectable } from '@nestjs/common';
import { type PurgedRecord, type PurgeHook, PurgeHookProvider } from '@app/tenancy';
import { AuditService } from './audit.service';

/**
 * The audit trail of a record that goes for good: its personal fields are redacted in every entry
 * (who did what, and when, stays), or, for a record that never was real data, the entries go too.
 */
@PurgeHookProvider()
@Injectable()
export class AuditPurgeHook implements PurgeHook {
  constructor(private readonly audit: AuditService) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (record.leaveNoTrace) await this.audit.removeFor(record.entityType, record.entityId);
    else if (record.personalFields?.length)
      await this.audit.redact(record.entityType, record.entityId, record.personalFields);
  }
}
