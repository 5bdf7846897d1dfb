import { ApiProperty } from '@nestjs/swagger';
import { CustomerResponse } from '../../dto/customer.response';
import { RevenueSource } from '../revenue.enums';

export class RevenueEntryResponse {
  @ApiProperty() id: string;
  @ApiProperty() customerId: string;
  @ApiProperty({
    description: 'Major currency units (stored as integer cents); negative on a reversal',
    example: 1299.99,
  })
  amount: number;
  @ApiProperty({
    description: 'Purchases the entry counts (1; an opening balance may carry more; negative on a reversal)',
  })
  purchases: number;
  @ApiProperty({ description: 'When the purchase (or the reversal) happened' }) at: string;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ enum: RevenueSource }) source: RevenueSource;
  @ApiProperty({ nullable: true, type: String, description: 'On a reversal: the entry it reverses' })
  reversalOf: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The reversal of this entry, if it was reversed' })
  reversedBy: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was reversed (reversals, opening balances)' })
  reason: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
}

export class RevenueEntryPageResponse {
  @ApiProperty({ type: [RevenueEntryResponse] }) data: RevenueEntryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RevenueReversalResponse {
  @ApiProperty({ type: RevenueEntryResponse, description: 'The reversal entry' }) entry: RevenueEntryResponse;
  @ApiProperty({ type: CustomerResponse, description: 'The customer with its recomputed totals' })
  customer: CustomerResponse;
}
