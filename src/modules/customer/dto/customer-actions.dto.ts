import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CustomerStatus, MAX_TAGS, CLIENT_STATUSES } from '../customer.enums';
import { TagList, trim } from '@app/common';

export class SetStatusDto {
  @ApiProperty({ enum: [...CLIENT_STATUSES] })
  @IsIn(CLIENT_STATUSES)
  status: CustomerStatus;

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true, example: 'Contract not renewed' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}

export class AssignCustomerDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'User id (token sub); null unassigns',
    example: 'user-7',
    minLength: 1,
    maxLength: 200,
  })
  @ValidateIf((o: AssignCustomerDto) => o.userId !== null)
  @IsString()
  @Length(1, 200)
  userId: string | null;
}

export class AddTagsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    example: ['vip', 'renewal-2025'],
    minItems: 1,
    maxItems: MAX_TAGS,
  })
  @ArrayMinSize(1)
  @TagList(MAX_TAGS)
  tags: string[];
}

export class RecordRevenueDto {
  @ApiProperty({
    example: 1299.99,
    description: 'In major currency units, > 0, at most 2 decimals; stored as integer cents',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(1_000_000_000)
  amount: number;

  @ApiProperty({ example: '2025-03-01T12:00:00Z', format: 'date-time', maxLength: 40 })
  @IsISO8601({ strict: true })
  purchasedAt: string;

  @ApiPropertyOptional({
    example: 'INV-2025-0042',
    description: 'Invoice or order id: a retried call with the same reference counts once',
    maxLength: 100,
    pattern: '^[\\x21-\\x7e]{1,100}$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{1,100}$/, { message: 'reference must be 1-100 visible ASCII characters' })
  reference?: string;
}
