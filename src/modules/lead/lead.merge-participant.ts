import { Injectable } from '@nestjs/common';
import { type CustomerMergeParticipant, CustomerMergeParticipantProvider } from '../customer';
import { LeadService } from './lead.service';

/** A customer merge: the leads converted into the sources name the survivor as their customer. */
@CustomerMergeParticipantProvider()
@Injectable()
export class LeadMergeParticipant implements CustomerMergeParticipant {
  readonly name = 'leads';

  constructor(private readonly leads: LeadService) {}

  count(sourceIds: readonly string[]): Promise<number> {
    return this.leads.repointConverted(sourceIds, '', true);
  }

  repoint(sourceIds: readonly string[], survivorId: string): Promise<number> {
    return this.leads.repointConverted(sourceIds, survivorId);
  }
}
