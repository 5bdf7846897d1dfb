import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { OBJECT_ID, PageQueryDto, Role, trim } from '@app/common';

const KEY_ROLES = [Role.ADMIN, Role.MEMBER, Role.VIEWER];

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-sync', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: KEY_ROLES, isArray: true, maxItems: 3, example: ['member'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(KEY_ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 24, pattern: '^[0-9a-f]{24}$' },
    maxItems: 100,
    description: 'Companies the key may see (default: every company)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(OBJECT_ID, { each: true, message: 'each company id must be a 24-character hex id' })
  companies?: string[];

  @ApiPropertyOptional({
    example: '2026-12-31T00:00:00Z',
    format: 'date-time',
    maxLength: 40,
    description: 'ISO 8601; must be in the future',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ListApiKeysQueryDto extends PageQueryDto {}

export class ApiKeyResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'crm_acme_Ab3xY9…', description: 'The beginning of the key, to tell keys apart' })
  prefix: string;
  @ApiProperty({ enum: KEY_ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ nullable: true, type: [String], description: 'null: every company' }) companies: string[] | null;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ description: 'The principal the key acts as, in audit entries and createdBy' }) principal: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() version: number;
}

export class ApiKeyWithSecretResponse extends ApiKeyResponse {
  @ApiPropertyOptional({
    example: 'crm_acme_8c2wq0hV…',
    description:
      'The key, shown only in this response; send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Never stored (an Idempotency-Key replay answers without it).',
  })
  key?: string;
}

export class ApiKeyPageResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) data: ApiKeyResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
