import { Injectable } from '@nestjs/common';
import { AuditService, type AuditEventResponse } from '../../audit';
import { CustomerEventName } from '../events/customer.events';
import { CustomerMergeEventName } from '../merge/customer-merge.events';
import { AuditTimelineSource } from './audit-timeline.source';
import { TimelineSourceProvider } from './timeline-source';

const text = (v: unknown): string => (v === null || v === undefined || v === '' ? 'nobody' : String(v));

/** The customer's own changes on its timeline: status changes, assignments and merges (revenue: the ledger's source). */
const KIND = { STATUS_CHANGE: 'status_change', ASSIGNMENT: 'assignment', MERGE: 'merge' } as const;

@TimelineSourceProvider(KIND.STATUS_CHANGE, KIND.ASSIGNMENT, KIND.MERGE)
@Injectable()
export class CustomerTimelineSource extends AuditTimelineSource {
  protected readonly entityType = 'customer';
  protected readonly actions = {
    [CustomerEventName.STATUS_CHANGED]: KIND.STATUS_CHANGE,
    [CustomerEventName.ASSIGNED]: KIND.ASSIGNMENT,
    [CustomerMergeEventName.COMPLETED]: KIND.MERGE,
  };

  constructor(audit: AuditService) {
    super(audit);
  }

  protected summary(e: AuditEventResponse): string {
    const c = e.changes;
    switch (e.action) {
      case CustomerEventName.STATUS_CHANGED:
        return `Status changed from ${text(c.status?.from)} to ${text(c.status?.to)}`;
      case CustomerMergeEventName.COMPLETED: {
        const from = Array.isArray(c.mergedFrom?.to) ? (c.mergedFrom.to as unknown[]) : [];
        return `Merged ${from.length} customer${from.length === 1 ? '' : 's'} into this one: ${from.join(', ')}`;
      }
      default:
        return `Assigned from ${text(c.assignedTo?.from)} to ${text(c.assignedTo?.to)}`;
    }
  }
}
