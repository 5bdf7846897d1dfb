import { Injectable } from '@nestjs/common';
import { toMajor } from '../../domain/money';
import type { CustomerResponse } from '../customer';
import { type OpportunityResponse, OpportunityService } from '../opportunity';
import type { ConvertOpportunityDto } from './dto/convert-opportunity.dto';
import type { LeadLean } from './schemas/lead.schema';

/**
 * The deal of a conversion, through OpportunityService with the lead's id as the deal's id: however
 * many conversions of one lead run (retried, concurrent, after a crash), at most one deal exists.
 */
@Injectable()
export class LeadOpportunity {
  constructor(private readonly opportunities: OpportunityService) {}

  create(lead: LeadLean, customer: CustomerResponse, dto: ConvertOpportunityDto): Promise<OpportunityResponse> {
    const amount = dto.amount ?? (lead.estimatedValueMinor === null ? 0 : toMajor(lead.estimatedValueMinor));
    return this.opportunities.create(
      {
        customerId: customer.id,
        name: dto.name ?? customer.name,
        amount,
        pipelineId: dto.pipelineId,
        stage: dto.stage,
      },
      { leadId: lead._id.toHexString() },
    );
  }
}
