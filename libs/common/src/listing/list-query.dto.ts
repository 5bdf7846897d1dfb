import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { OBJECT_ID, toTagQuery } from '../validation/transforms';
import { PageQueryDto } from './page-query.dto';
import { DEFAULT_RECORD_SORT, RECORD_SORT_FIELDS, sortKeys } from './sort';

export class CompanyScopeQueryDto {
  @ApiPropertyOptional({ description: 'Limit to one company; omitted: every company the caller may see' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId?: string;
}

/** Filters, sort and paging every searchable list (customers, leads) accepts; each adds its own. */
export class SearchListQueryDto extends IntersectionType(CompanyScopeQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ description: 'Owner user id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    maxItems: 10,
    description: 'Repeatable; every tag must match',
    example: ['vip'],
  })
  @IsOptional()
  @Transform(toTagQuery)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({
    description: 'Search: case-insensitive word prefixes over names, emails, phones, websites, tags and contacts',
    example: 'acm',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description: 'Only records updated at or after this instant',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ enum: sortKeys(RECORD_SORT_FIELDS), default: DEFAULT_RECORD_SORT })
  @IsOptional()
  @IsIn(sortKeys(RECORD_SORT_FIELDS))
  sort?: string;
}
