import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { CompanyScopeQueryDto, PageQueryDto } from '@app/common';
import { IntersectionType } from '@nestjs/swagger';
import { CohortMetric } from '../scoring/cohorts';

export class RfmQueryDto extends IntersectionType(CompanyScopeQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ description: 'The view at this instant (default: now; computed from the ledger)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, default: 365 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  windowDays?: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class CohortQueryDto extends CompanyScopeQueryDto {
  @ApiPropertyOptional({ enum: ['month'], default: 'month' })
  @IsOptional()
  @IsIn(['month'])
  by?: 'month';

  @ApiPropertyOptional({ enum: CohortMetric, default: CohortMetric.CUSTOMERS })
  @IsOptional()
  @IsEnum(CohortMetric)
  metric?: CohortMetric;

  @ApiPropertyOptional({ example: '2026-01', description: 'First cohort month (YYYY-MM)' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'Last cohort month (YYYY-MM)' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ description: 'The table as of this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}
