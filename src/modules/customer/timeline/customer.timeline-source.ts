import { Injectable } from '@nestjs/common';
import { AuditService, type AuditEventResponse } from '../../audit';
import { CustomerEventName } from '../events/customer.events';
import { AuditTimelineSource } from './audit-timeline.source';
import { TimelineKind, TimelineSourceProvider } from './timeline-source';

const text = (v: unknown): string => (v === null || v === undefined || v === '' ? 'nobody' : String(v));

/** The customer's own changes on its timeline: status changes, assignments and revenue. */
@TimelineSourceProvider()
@Injectable()
export class CustomerTimelineSource extends AuditTimelineSource {
  protected readonly entityType = 'customer';
  protected readonly actions = {
    [CustomerEventName.STATUS_CHANGED]: TimelineKind.STATUS_CHANGE,
    [CustomerEventName.ASSIGNED]: TimelineKind.ASSIGNMENT,
    [CustomerEventName.REVENUE_RECORDED]: TimelineKind.REVENUE,
    [CustomerEventName.REVENUE_REVERSED]: TimelineKind.REVENUE,
  };

  constructor(audit: AuditService) {
    super(audit);
  }

  protected summary(e: AuditEventResponse): string {
    const c = e.changes;
    switch (e.action) {
      case CustomerEventName.STATUS_CHANGED:
        return `Status changed from ${text(c.status?.from)} to ${text(c.status?.to)}`;
      case CustomerEventName.ASSIGNED:
        return `Assigned from ${text(c.assignedTo?.from)} to ${text(c.assignedTo?.to)}`;
      default: {
        const from = Number(c.totalRevenue?.from ?? 0);
        const to = Number(c.totalRevenue?.to ?? 0);
        const verb = e.action === CustomerEventName.REVENUE_REVERSED ? 'reversed' : 'recorded';
        return `Revenue of ${(to - from).toFixed(2)} ${verb} (total ${to.toFixed(2)})`;
      }
    }
  }
}
