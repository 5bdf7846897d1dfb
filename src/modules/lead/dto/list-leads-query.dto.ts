import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsIn,
  IsISO8601,
  IsMongoId,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  IsInt,
} from 'class-validator';
import { sortKeys } from '@app/common';
import { LeadStatus } from '../schemas/lead.schema';
import { LEAD_SORT_FIELDS } from '../lead-listing';

const toArray = ({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value);

export class ListLeadsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsMongoId()
  companyId?: string;

  @ApiPropertyOptional({ enum: LeadStatus })
  @IsOptional()
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  assignedTo?: string;

  @ApiPropertyOptional({ type: [String], description: 'Repeat for several; all must match' })
  @IsOptional()
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({
    description: 'Case-insensitive prefix search over name, company name, email, phone, website, tags and contacts',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ enum: sortKeys(LEAD_SORT_FIELDS), default: '-updatedAt' })
  @IsOptional()
  @IsIn(sortKeys(LEAD_SORT_FIELDS))
  sort?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque: nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
