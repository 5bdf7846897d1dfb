import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OBJECT_ID, PageQueryDto, trim } from '@app/common';
import { WebhookStatus } from '../schemas/webhook.schema';

/** `customer.created`, `customer.*`: a module name and an event name or `*`. */
const EVENT_FILTER = /^[a-z][a-z0-9_]{0,40}\.([a-z][a-z0-9_]{0,60}|\*)$/;
const EVENT_ITEM = { type: 'string', maxLength: 102, pattern: EVENT_FILTER.source } as const;
const COMPANY_ITEM = { type: 'string', maxLength: 24, pattern: '^[0-9a-f]{24}$' } as const;

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/crm', maxLength: 2000 })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    type: 'array',
    items: EVENT_ITEM,
    maxItems: 50,
    example: ['customer.*', 'lead.converted'],
    description:
      'Event names, or `module.*` for every event of a module (checked against the events the API publishes)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(EVENT_FILTER, { each: true, message: 'each event must look like customer.created or customer.*' })
  events: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: COMPANY_ITEM,
    maxItems: 100,
    description: 'Only events filed under these companies (default: every event of the tenant)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(OBJECT_ID, { each: true, message: 'each company id must be a 24-character hex id' })
  companyIds?: string[];

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: 'array', items: EVENT_ITEM, maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(EVENT_FILTER, { each: true, message: 'each event must look like customer.created or customer.*' })
  events?: string[];

  @ApiPropertyOptional({ type: 'array', items: COMPANY_ITEM, maxItems: 100, description: 'Empty: every company' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(OBJECT_ID, { each: true, message: 'each company id must be a 24-character hex id' })
  companyIds?: string[];

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ enum: WebhookStatus, description: 'disabled stops deliveries; active resumes them' })
  @IsOptional()
  @IsEnum(WebhookStatus)
  status?: WebhookStatus;
}

export class ListWebhooksQueryDto extends PageQueryDto {}

export class WebhookResponse {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ type: [String], description: 'Empty: every company' }) companyIds: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: WebhookStatus }) status: WebhookStatus;
  @ApiProperty({ nullable: true, type: String, description: 'manual, gone (410) or failing' })
  disabledReason: string | null;
  @ApiProperty({ nullable: true, type: String }) disabledAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Since when every attempt has failed' })
  failingSince: string | null;
  @ApiProperty({ description: 'When the current signing secret was made' }) secretCreatedAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() version: number;
}

export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret, shown only in this response (never stored for replays: an Idempotency-Key replay answers without it)',
  })
  secret?: string;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) data: WebhookResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
