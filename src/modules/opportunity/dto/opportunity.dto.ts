import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEnum,
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
import { CompanyScopeQueryDto, OBJECT_ID, PageQueryDto, RECORD_SORT_FIELDS, sortKeys, trim } from '@app/common';
import { OpportunityStatus } from '../opportunity.enums';
import { STAGE_KEY } from './pipeline.dto';

const AMOUNT = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 };
export const DEFAULT_OPPORTUNITY_SORT = '-updatedAt';

export class CreateOpportunityDto {
  @ApiProperty({ example: '665f1c2ea1b2c3d4e5f60718', pattern: OBJECT_ID.source, maxLength: 24 })
  @IsString()
  @Matches(OBJECT_ID, { message: 'customerId must be a 24-character hex id' })
  customerId: string;

  @ApiProperty({ example: 'Initech renewal 2026', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    example: 25000,
    minimum: 0,
    description: 'Major currency units, at most 2 decimals (stored as cents)',
  })
  @IsNumber(AMOUNT)
  @Min(0)
  @Max(1_000_000_000)
  amount: number;

  @ApiPropertyOptional({ pattern: OBJECT_ID.source, maxLength: 24, description: 'Default: the default pipeline' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'pipelineId must be a 24-character hex id' })
  pipelineId?: string;

  @ApiPropertyOptional({ example: 'qualification', maxLength: 40, description: "Default: the pipeline's first stage" })
  @IsOptional()
  @IsString()
  @Matches(STAGE_KEY, { message: 'stage must be a stage key' })
  stage?: string;

  @ApiPropertyOptional({ example: '2026-06-30T00:00:00Z', format: 'date-time', maxLength: 40 })
  @IsOptional()
  @IsISO8601({ strict: true })
  expectedCloseAt?: string;

  @ApiPropertyOptional({ example: 'user-42', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ownerId?: string;
}

export class UpdateOpportunityDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Major currency units, at most 2 decimals' })
  @IsOptional()
  @IsNumber(AMOUNT)
  @Min(0)
  @Max(1_000_000_000)
  amount?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, maxLength: 40 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsISO8601({ strict: true })
  expectedCloseAt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Length(1, 100)
  ownerId?: string | null;
}

export class SetStageDto {
  @ApiProperty({ example: 'proposal', maxLength: 40, description: 'An open stage of the pipeline' })
  @IsString()
  @Matches(STAGE_KEY, { message: 'stage must be a stage key' })
  stage: string;
}

export class WinOpportunityDto {
  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closedAt?: string;

  @ApiPropertyOptional({ minimum: 0.01, description: 'The final amount (default: the deal amount)' })
  @IsOptional()
  @IsNumber(AMOUNT)
  @Min(0.01)
  @Max(1_000_000_000)
  amount?: number;
}

export class LoseOpportunityDto {
  @ApiProperty({ example: 'went with a competitor', minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class ListOpportunitiesQueryDto extends IntersectionType(CompanyScopeQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ pattern: OBJECT_ID.source })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'customerId must be a 24-character hex id' })
  customerId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID.source })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'pipelineId must be a 24-character hex id' })
  pipelineId?: string;

  @ApiPropertyOptional({ example: 'proposal', description: 'A stage key (won and lost too)' })
  @IsOptional()
  @IsString()
  @Matches(STAGE_KEY, { message: 'stage must be a stage key' })
  stage?: string;

  @ApiPropertyOptional({ enum: OpportunityStatus })
  @IsOptional()
  @IsEnum(OpportunityStatus)
  status?: OpportunityStatus;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ownerId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Close date (expected, or actual) before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closingBefore?: string;

  @ApiPropertyOptional({ description: 'Search: case-insensitive word prefixes of the name', example: 'renew' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: sortKeys(RECORD_SORT_FIELDS), default: DEFAULT_OPPORTUNITY_SORT })
  @IsOptional()
  @IsIn(sortKeys(RECORD_SORT_FIELDS))
  sort?: string;
}

export class ForecastQueryDto extends CompanyScopeQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID.source, description: 'Default: the default pipeline' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'pipelineId must be a 24-character hex id' })
  pipelineId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Close dates (expected, or actual) from this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closingFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Close dates before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closingTo?: string;
}
