import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsMongoId,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { PageQueryDto, Role, trim } from '@app/common';

const KEY_ROLES = [Role.ADMIN, Role.MEMBER, Role.VIEWER];

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-sync', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: KEY_ROLES, isArray: true, example: ['member'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(KEY_ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ type: [String], description: 'Companies the key may see (default: every company)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsMongoId({ each: true })
  companies?: string[];

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', description: 'ISO 8601; must be in the future' })
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
