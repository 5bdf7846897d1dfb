import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
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
  ValidateNested,
} from 'class-validator';
import { OBJECT_ID, PageQueryDto, trim } from '@app/common';
import { CustomerSource, CustomerStatus, CLIENT_STATUSES } from '../../customer';
import { HealthBand } from '../scoring/health';
import { RfmSegment } from '../scoring/rfm';

const MAX_REVENUE = 1e13;

/** What a segment matches: the customer list filters plus RFM segment, health band, revenue and last activity. */
export class SegmentFilterDto {
  @ApiPropertyOptional({ enum: [...CLIENT_STATUSES] })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({ enum: CustomerSource })
  @IsOptional()
  @IsEnum(CustomerSource)
  source?: CustomerSource;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    maxItems: 10,
    description: 'Every tag must match',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ maxLength: 200, description: 'Search text, as `q` on customer lists' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: RfmSegment, isArray: true, maxItems: 12, description: 'Any of these RFM segments' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @IsEnum(RfmSegment, { each: true })
  rfmSegment?: RfmSegment[];

  @ApiPropertyOptional({ enum: HealthBand, isArray: true, maxItems: 3, description: 'Any of these health bands' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsEnum(HealthBand, { each: true })
  healthBand?: HealthBand[];

  @ApiPropertyOptional({ minimum: 0, description: 'Revenue to date at least (major units)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_REVENUE)
  revenueMin?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Revenue to date at most (major units)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_REVENUE)
  revenueMax?: number;

  @ApiPropertyOptional({ description: 'Last activity at or after this instant', format: 'date-time', maxLength: 40 })
  @IsOptional()
  @IsISO8601({ strict: true })
  lastActivityFrom?: string;

  @ApiPropertyOptional({ description: 'Last activity at or before this instant', format: 'date-time', maxLength: 40 })
  @IsOptional()
  @IsISO8601({ strict: true })
  lastActivityTo?: string;
}

export class CreateSegmentDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Champions in Berlin' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'Limit to one company; omitted: every company the user may see',
    maxLength: 24,
    pattern: '^[0-9a-f]{24}$',
  })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId?: string;

  @ApiProperty({ type: SegmentFilterDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SegmentFilterDto)
  filter: SegmentFilterDto;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ type: SegmentFilterDto, description: 'Replaces the whole filter' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SegmentFilterDto)
  filter?: SegmentFilterDto;
}

export class ListSegmentsQueryDto extends PageQueryDto {}

export class SegmentCustomersQueryDto extends PageQueryDto {}

export class SegmentFilterResponse extends SegmentFilterDto {}

export class SegmentResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Null: every company the user may see' })
  companyId: string | null;
  @ApiProperty({ type: SegmentFilterResponse }) filter: SegmentFilterResponse;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
}

export class SegmentPageResponse {
  @ApiProperty({ type: [SegmentResponse] }) data: SegmentResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class SegmentCountResponse {
  @ApiProperty({ description: 'Customers the segment matches now' }) count: number;
}
