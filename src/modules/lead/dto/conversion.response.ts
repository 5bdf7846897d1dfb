import { ApiProperty } from '@nestjs/swagger';
import { LeadResponse } from './lead.response';

export class ConversionResponse {
  @ApiProperty({ description: 'The customer created from the lead (same shape as GET /customers/:id)' })
  customer: object;

  @ApiProperty({ type: LeadResponse })
  lead: LeadResponse;
}

export class DuplicateCandidate {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: ['email', 'name'], isArray: true }) matchedOn: Array<'email' | 'name'>;
}

export class ConversionPreviewResponse {
  @ApiProperty() dryRun: true;
  @ApiProperty({ description: 'The customer that would be created' }) customer: object;
  @ApiProperty({ type: [DuplicateCandidate], description: 'Customers of the company with the same email or name' })
  duplicates: DuplicateCandidate[];
  @ApiProperty({ type: LeadResponse }) lead: LeadResponse;
}
