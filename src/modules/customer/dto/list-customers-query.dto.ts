import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQueryDto, sortKeys } from '@app/common';
import { CUSTOMER_SORT_FIELDS } from '../customer-search';
import { CustomerSource, CustomerStatus } from '../customer.enums';
import { OBJECT_ID, toTagQuery } from './transforms';

export class CompanyScopeQueryDto {
  @ApiPropertyOptional({ description: 'Limit to one company; omitted: every company the caller may see' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId?: string;
}

export class RecentCustomersQueryDto extends CompanyScopeQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListCustomersQueryDto extends IntersectionType(CompanyScopeQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ enum: CustomerStatus })
  @IsOptional()
  @IsEnum(CustomerStatus)
  status?: CustomerStatus;

  @ApiPropertyOptional({ enum: CustomerSource })
  @IsOptional()
  @IsEnum(CustomerSource)
  source?: CustomerSource;

  @ApiPropertyOptional({ description: 'Owner user id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string;

  @ApiPropertyOptional({ type: [String], description: 'Repeatable; every tag must match', example: ['vip'] })
  @IsOptional()
  @Transform(toTagQuery)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({
    description:
      'Search: case-insensitive word prefixes over name, email, phone, website, tags and contact names/emails',
    example: 'acm',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description: 'Only customers updated at or after this instant',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ enum: sortKeys(CUSTOMER_SORT_FIELDS), default: '-createdAt' })
  @IsOptional()
  @IsIn(sortKeys(CUSTOMER_SORT_FIELDS))
  sort?: string;
}
