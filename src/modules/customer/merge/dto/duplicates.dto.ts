import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { OBJECT_ID } from '@app/common';
import { DuplicateReason } from '../duplicate-keys';

export class DuplicatesLimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'At most this many groups (1..100, default 25)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class DuplicatesQueryDto extends DuplicatesLimitQueryDto {
  @ApiProperty({ description: 'The company whose customers are compared', pattern: OBJECT_ID.source, maxLength: 24 })
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId: string;
}

/** The fields a person compares when deciding whether two customers are one. */
export class DuplicateSummary {
  @ApiProperty({ example: '665f1c2ea1b2c3d4e5f60718' }) id: string;
  @ApiProperty({ example: 'Acme Corp' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'info@acme.com' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+15550100199' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'https://acme.com' }) website: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DuplicateGroupResponse {
  @ApiProperty({ type: [DuplicateSummary], description: 'At most 10 (a merge takes a survivor and 9 sources)' })
  customers: DuplicateSummary[];

  @ApiProperty({ description: 'How many customers the group has (may exceed the ones listed)', example: 2 })
  size: number;

  @ApiProperty({ enum: DuplicateReason, isArray: true, example: ['email', 'name'] })
  reasons: DuplicateReason[];

  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.96,
    description: '1 − Π(1 − weight) over the reasons: email 0.9, phone 0.7, domain 0.6, name 0.6',
  })
  score: number;
}

export class DuplicateGroupsResponse {
  @ApiProperty({ type: [DuplicateGroupResponse], description: 'Best first (score, then size)' })
  data: DuplicateGroupResponse[];

  @ApiProperty({ description: 'Customers compared (at most 5000 per answer)', example: 120 })
  scanned: number;

  @ApiProperty({ description: 'false: the company has more customers than were compared' })
  complete: boolean;
}
