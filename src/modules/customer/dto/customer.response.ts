import { ApiProperty } from '@nestjs/swagger';
import { ContactResponse } from '../../../domain/contacts';
import { type ClientStatus, CustomerSize, CustomerSource, CustomerStatus } from '../customer.enums';

export class AddressResponse {
  @ApiProperty({ nullable: true, type: String }) street: string | null;
  @ApiProperty({ nullable: true, type: String }) city: string | null;
  @ApiProperty({ nullable: true, type: String }) region: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode: string | null;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
}

export class StatusChangeResponse {
  @ApiProperty({ enum: CustomerStatus, nullable: true }) from: CustomerStatus | null;
  @ApiProperty({ enum: CustomerStatus }) to: CustomerStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() by: string;
  @ApiProperty() at: string;
}

export class CustomerResponse {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CustomerStatus }) status: CustomerStatus;
  @ApiProperty({ enum: CustomerSource }) source: CustomerSource;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) website: string | null;
  @ApiProperty({ nullable: true, type: String }) industry: string | null;
  @ApiProperty({ enum: CustomerSize, nullable: true }) size: CustomerSize | null;
  @ApiProperty({ type: AddressResponse, nullable: true }) address: AddressResponse | null;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Your own id of the customer; unique in the tenant' })
  externalId: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ nullable: true, type: String }) assignedTo: string | null;
  @ApiProperty({ type: [ContactResponse] }) contacts: ContactResponse[];
  @ApiProperty({ description: 'Major currency units (stored as integer cents)', example: 1299.99 })
  totalRevenue: number;
  @ApiProperty() purchaseCount: number;
  @ApiProperty({ nullable: true, type: String }) firstPurchaseAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastPurchaseAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the latest activity (other than an open task) occurred; kept by the Activity module',
  })
  lastActivityAt: string | null;
  @ApiProperty({ description: 'Open tasks on the customer; kept by the Activity module' }) openTasks: number;
  @ApiProperty({ nullable: true, type: String }) leadId: string | null;
  @ApiProperty({ type: [StatusChangeResponse] }) statusHistory: StatusChangeResponse[];
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Also sent as ETag; send it back in If-Match' }) version: number;
}

export class CustomerPageResponse {
  @ApiProperty({ type: [CustomerResponse] }) data: CustomerResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CustomerListResponse {
  @ApiProperty({ type: [CustomerResponse] }) data: CustomerResponse[];
}

export class StatusCountsResponse implements Record<ClientStatus, number> {
  @ApiProperty() active: number;
  @ApiProperty() inactive: number;
  @ApiProperty() churned: number;
}

export class SourceCountsResponse implements Record<CustomerSource, number> {
  @ApiProperty() direct: number;
  @ApiProperty() referral: number;
  @ApiProperty() website: number;
  @ApiProperty() partner: number;
  @ApiProperty() event: number;
  @ApiProperty() lead_conversion: number;
  @ApiProperty() other: number;
}

export class CustomerStatisticsResponse {
  @ApiProperty({ nullable: true, type: String, description: 'null: the whole tenant (as the caller may see it)' })
  companyId: string | null;
  @ApiProperty() totalCustomers: number;
  @ApiProperty({ type: StatusCountsResponse }) byStatus: Record<ClientStatus, number>;
  @ApiProperty({ type: SourceCountsResponse }) bySource: Record<CustomerSource, number>;
  @ApiProperty({ description: 'Major units' }) totalRevenue: number;
  @ApiProperty({ description: 'Major units, per customer, rounded to cents' }) averageRevenue: number;
  @ApiProperty() newLast30Days: number;
}
