import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit';
import { AuditTimelineSource, TimelineSourceProvider } from '../customer';
import { LeadEventName } from './events/lead.events';
import { LEAD_ENTITY } from './lead.service';

const CONVERSION_KIND = 'lead_conversion';

/** A converted customer's timeline starts with its lead's conversion (the customer has the lead's id). */
@TimelineSourceProvider(CONVERSION_KIND)
@Injectable()
export class LeadConversionTimelineSource extends AuditTimelineSource {
  protected readonly entityType = LEAD_ENTITY;
  protected readonly actions = { [LeadEventName.CONVERTED]: CONVERSION_KIND };

  constructor(audit: AuditService) {
    super(audit);
  }

  protected summary(): string {
    return 'Converted from a lead';
  }
}
