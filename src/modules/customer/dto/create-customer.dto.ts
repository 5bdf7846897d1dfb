import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OBJECT_ID, PHONE_PATTERN, TagList, toEmail, toPhone, toWebsite, trim } from '@app/common';
import { CreateContactDto, MAX_CONTACTS } from '../../../domain/contacts';
import { ExternalIdField } from '../../../domain/external-id';
import {
  CLIENT_SOURCES,
  CustomerSize,
  CustomerSource,
  CustomerStatus,
  MAX_TAGS,
  CLIENT_STATUSES,
} from '../customer.enums';
import { AddressDto } from './address.dto';

/** Fields a client may set on create and (all but companyId/status/assignee/contacts) on PATCH. */
export class CustomerFieldsDto {
  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    enum: CLIENT_SOURCES,
    description: 'Defaults to direct; lead_conversion is set only by POST /leads/:id/convert',
  })
  @IsOptional()
  @IsIn(CLIENT_SOURCES, { message: `source must be one of ${CLIENT_SOURCES.join(', ')}` })
  source?: CustomerSource;

  @ApiPropertyOptional({
    type: String,
    example: 'billing@acme.com',
    nullable: true,
    description: 'Trimmed and lower-cased',
    maxLength: 254,
    format: 'email',
  })
  @IsOptional()
  @Transform(toEmail)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: '+1 (555) 123-4567',
    nullable: true,
    description: 'Stored as + and 6-15 digits',
    maxLength: 64,
  })
  @IsOptional()
  @Transform(toPhone)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must have 6-15 digits' })
  phone?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'acme.com',
    nullable: true,
    description: 'http(s) only; https:// is added',
    maxLength: 2048,
  })
  @IsOptional()
  @Transform(toWebsite)
  @IsString()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'website must be an http(s) URL' })
  @MaxLength(2048)
  website?: string | null;

  @ApiPropertyOptional({ type: String, example: 'Manufacturing', nullable: true, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  industry?: string | null;

  @ApiPropertyOptional({ enum: CustomerSize, nullable: true })
  @IsOptional()
  @IsEnum(CustomerSize)
  size?: CustomerSize | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    example: ['vip', 'key account'],
    maxItems: MAX_TAGS,
  })
  @IsOptional()
  @TagList(MAX_TAGS)
  tags?: string[];

  @ExternalIdField()
  externalId?: string | null;
}

export class CreateCustomerDto extends CustomerFieldsDto {
  @ApiProperty({
    description: 'A company of the caller tenant',
    example: '665f1c2e8b3e4a1d2c3b4a59',
    maxLength: 24,
    pattern: '^[0-9a-f]{24}$',
  })
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId: string;

  @ApiPropertyOptional({ enum: [...CLIENT_STATUSES], description: 'Defaults to active' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'User id (token sub) of the owner',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string | null;

  @ApiPropertyOptional({ type: [CreateContactDto], maxItems: MAX_CONTACTS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS)
  @ValidateNested({ each: true })
  @Type(() => CreateContactDto)
  contacts?: CreateContactDto[];
}
