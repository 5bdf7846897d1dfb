import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` (1..100) and `cursor` of every keyset-paged list; each list picks its own default limit. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Page size (1..100)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (same filters and sort)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}
