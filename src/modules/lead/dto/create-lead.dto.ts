import { ExternalIdField } from '../../../domain/external-id';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsIn,
  IsMongoId,
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
import { PHONE_PATTERN, TagList, toEmail, toPhone, toWebsite, trim } from '@app/common';
import { CreateContactDto, MAX_CONTACTS } from '../../../domain/contacts';
import { LeadSource, LeadStatus } from '../lead.enums';

export const MAX_LEAD_TAGS = 50;
/** Statuses a client may set; `converted` only comes from POST /leads/:id/convert. */
export const SETTABLE_LEAD_STATUSES = Object.values(LeadStatus).filter((s) => s !== LeadStatus.CONVERTED);

export class CreateLeadDto {
  @ApiProperty({
    description: 'A company of the caller tenant',
    example: '665f1c2e8b3e4a1d2c3b4a59',
    pattern: '^[0-9a-f]{24}$',
    maxLength: 24,
  })
  @IsMongoId()
  companyId: string;

  @ApiProperty({ example: 'Jane Doe at Initech', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ type: String, example: 'Initech', nullable: true, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  companyName?: string | null;

  @ApiPropertyOptional({ type: String, example: 'jane@initech.com', nullable: true, maxLength: 254, format: 'email' })
  @IsOptional()
  @Transform(toEmail)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, example: '+15551234567', nullable: true, maxLength: 64 })
  @IsOptional()
  @Transform(toPhone)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number of 6-15 digits' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, example: 'https://initech.com', nullable: true, maxLength: 500 })
  @IsOptional()
  @Transform(toWebsite)
  @IsString()
  @Matches(/^https?:\/\//, { message: 'website must be an http(s) address with a host name' })
  @MaxLength(500)
  website?: string | null;

  @ApiPropertyOptional({ enum: LeadSource, description: 'Defaults to other' })
  @IsOptional()
  @IsEnum(LeadSource)
  source?: LeadSource;

  @ApiPropertyOptional({ enum: SETTABLE_LEAD_STATUSES, description: 'Defaults to new' })
  @IsOptional()
  @IsIn(SETTABLE_LEAD_STATUSES, { message: 'status must be one of new, contacted, qualified, unqualified' })
  status?: LeadStatus;

  @ApiPropertyOptional({ type: String, example: 'user-42', nullable: true, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  assignedTo?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    example: ['vip'],
    maxItems: MAX_LEAD_TAGS,
  })
  @IsOptional()
  @TagList(MAX_LEAD_TAGS)
  tags?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @ExternalIdField()
  externalId?: string | null;

  @ApiPropertyOptional({
    type: Number,
    example: 12500.5,
    description: 'Major currency units, at most 2 decimals',
    nullable: true,
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e12)
  estimatedValue?: number | null;

  @ApiPropertyOptional({ type: [CreateContactDto], maxItems: MAX_CONTACTS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS)
  @ValidateNested({ each: true })
  @Type(() => CreateContactDto)
  contacts?: CreateContactDto[];
}
