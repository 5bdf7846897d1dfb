import { Injectable } from '@nestjs/common';
import { LeadService } from '../../lead';
import { ActivityTargetType } from '../activity.enums';
import { type ActivityTarget, ActivityTargetProvider, type ActivityTargetResolver } from '../activity-targets';

/**
 * Activities on a live lead the caller may see (else lead.not_found, 404). New ones only while the
 * lead is not converted (409 lead.converted_read_only names its customer): they are written under the
 * lead's lock, which the conversion holds while it carries the lead's activities over.
 */
@ActivityTargetProvider()
@Injectable()
export class LeadActivityTarget implements ActivityTargetResolver {
  readonly type = ActivityTargetType.LEAD;

  constructor(private readonly leads: LeadService) {}

  async resolve(id: string): Promise<ActivityTarget> {
    const lead = await this.leads.get(id);
    return { type: this.type, id: lead.id, companyId: lead.companyId, customerId: null };
  }

  attach<T>(id: string, write: (target: ActivityTarget) => Promise<T>): Promise<T> {
    return this.leads.whileWritable(id, (lead) =>
      write({ type: this.type, id: lead.id, companyId: lead.companyId, customerId: null }),
    );
  }
}
