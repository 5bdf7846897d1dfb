import { ApiProperty } from '@nestjs/swagger';
import { LeadSource, LeadStatus } from '../lead.enums';
import { ContactResponse } from '../../../domain/contacts';

export class LeadResponse {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) companyName: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) website: string | null;
  @ApiProperty({ enum: LeadSource }) source: LeadSource;
  @ApiProperty({ enum: LeadStatus }) status: LeadStatus;
  @ApiProperty({ nullable: true, type: String }) assignedTo: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Your own id of the lead; unique in the tenant' })
  externalId: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Major currency units' }) estimatedValue: number | null;
  @ApiProperty({ type: [ContactResponse] }) contacts: ContactResponse[];
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String }) convertedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) convertedBy: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() version: number;
}

export class LeadPageResponse {
  @ApiProperty({ type: [LeadResponse] }) data: LeadResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
