import { ApiProperty } from '@nestjs/swagger';
import { CreateCustomerDto, CustomerResponse, CustomerSource } from '../../customer';
import { OpportunityResponse } from '../../opportunity';
import { LeadResponse } from './lead.response';

export class ConversionResponse {
  @ApiProperty({ type: CustomerResponse, description: 'The customer created from the lead (as GET /customers/:id)' })
  customer: CustomerResponse;

  @ApiProperty({ type: LeadResponse })
  lead: LeadResponse;

  @ApiProperty({ type: OpportunityResponse, nullable: true, description: 'The deal, with createOpportunity' })
  opportunity: OpportunityResponse | null;
}

export class DuplicateCandidate {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: ['email', 'name'], isArray: true }) matchedOn: Array<'email' | 'name'>;
}

/** The create request a conversion would make: the lead's fields with the caller's overrides. */
export class CustomerDraftResponse extends CreateCustomerDto {
  @ApiProperty({ enum: [CustomerSource.LEAD_CONVERSION] })
  override source: CustomerSource = CustomerSource.LEAD_CONVERSION;
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', maxLength: 24 }) leadId: string;
}

export class ConversionPreviewResponse {
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ type: CustomerDraftResponse, description: 'The customer that would be created' })
  customer: CustomerDraftResponse;
  @ApiProperty({ type: [DuplicateCandidate], description: 'Customers of the company with the same email or name' })
  duplicates: DuplicateCandidate[];
  @ApiProperty({ type: LeadResponse }) lead: LeadResponse;
}
