import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { PageQueryDto, trim } from '@app/common';

/** GET /customers/:id/revenue: newest first, keyset paged. */
export class RevenuePageQueryDto extends PageQueryDto {}

export class ReverseRevenueDto {
  @ApiProperty({ example: 'refund: order cancelled', minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason: string;
}
