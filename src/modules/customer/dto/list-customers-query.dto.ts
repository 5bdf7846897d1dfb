import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CompanyScopeQueryDto, OBJECT_ID, SearchListQueryDto } from '@app/common';
import { ExternalIdQuery } from '../../../domain/external-id';
import { CustomerSource, CustomerStatus, CLIENT_STATUSES } from '../customer.enums';

export class RecentCustomersQueryDto extends CompanyScopeQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListCustomersQueryDto extends SearchListQueryDto {
  @ApiPropertyOptional({ enum: [...CLIENT_STATUSES] })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({ enum: CustomerSource })
  @IsOptional()
  @IsEnum(CustomerSource)
  source?: CustomerSource;

  @ExternalIdQuery()
  externalId?: string;

  @ApiPropertyOptional({ description: 'Only customers of this saved segment (see /segments)' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'segmentId must be a 24-character hex id' })
  segmentId?: string;
}
