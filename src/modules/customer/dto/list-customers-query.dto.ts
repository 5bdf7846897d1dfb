import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CompanyScopeQueryDto, SearchListQueryDto } from '@app/common';
import { ExternalIdQuery } from '../../../domain/external-id';
import { CustomerSource, CustomerStatus } from '../customer.enums';

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
  @ApiPropertyOptional({ enum: CustomerStatus })
  @IsOptional()
  @IsEnum(CustomerStatus)
  status?: CustomerStatus;

  @ApiPropertyOptional({ enum: CustomerSource })
  @IsOptional()
  @IsEnum(CustomerSource)
  source?: CustomerSource;

  @ExternalIdQuery()
  externalId?: string;
}
