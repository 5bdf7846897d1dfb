import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AuditPageQueryDto } from './audit-page-query.dto';

export class ListAuditQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ example: 'customer' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z_]{0,39}$/, { message: 'entityType must be a lower-case entity name like customer' })
  entityType?: string;

  @ApiPropertyOptional({ description: 'Id of the record (24 hex digits)', pattern: '^[0-9a-f]{24}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{24}$/, { message: 'entityId must be a 24-character hex id' })
  entityId?: string;

  @ApiPropertyOptional({ description: 'User id that made the change (token `sub`)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({
    description: 'Only events at or after this instant (ISO-8601)',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}
