import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CohortMetric } from '../scoring/cohorts';
import { RfmScoreResponse } from './scores.dto';

export class RfmRowResponse extends RfmScoreResponse {
  @ApiProperty()
  customerId: string;

  @ApiProperty()
  companyId: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Stored scores: when this score was last computed or confirmed by a full run. Null in a live report (computed for this request)',
  })
  lastComputedAt: string | null;
}

const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2_000_000_000 } as const;

/** Customers per RFM segment. */
export class RfmSegmentCountsResponse {
  @ApiPropertyOptional(COUNT) champions?: number;
  @ApiPropertyOptional(COUNT) loyal?: number;
  @ApiPropertyOptional(COUNT) potential_loyalist?: number;
  @ApiPropertyOptional(COUNT) new?: number;
  @ApiPropertyOptional(COUNT) promising?: number;
  @ApiPropertyOptional(COUNT) need_attention?: number;
  @ApiPropertyOptional(COUNT) about_to_sleep?: number;
  @ApiPropertyOptional(COUNT) at_risk?: number;
  @ApiPropertyOptional(COUNT) cannot_lose?: number;
  @ApiPropertyOptional(COUNT) hibernating?: number;
  @ApiPropertyOptional(COUNT) lost?: number;
  @ApiPropertyOptional(COUNT) no_purchase?: number;
}

export class RfmReportResponse {
  @ApiProperty({ type: [RfmRowResponse] })
  data: RfmRowResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;

  @ApiProperty({
    type: RfmSegmentCountsResponse,
    description: 'Customers per segment over the whole scope (no_purchase included; empty segments left out)',
  })
  counts: Record<string, number>;

  @ApiProperty({ format: 'date-time' })
  asOf: string;

  @ApiProperty()
  windowDays: number;

  @ApiProperty({ description: 'stored: the scores kept current by the module; live: computed for this request' })
  source: 'stored' | 'live';

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Of the last full recompute (stored)',
  })
  lastComputedAt: string | null;
}

export class CohortPeriodResponse {
  @ApiProperty({ description: 'Months after the cohort month (0: the month itself)' })
  period: number;

  @ApiProperty({ example: '2026-02' })
  month: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Customers or revenue (major units); null: unfinished' })
  value: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Of the cohort size (customers) or month-0 revenue' })
  ratio: number | null;
}

export class CohortRowResponse {
  @ApiProperty({ example: '2026-01' })
  cohort: string;

  @ApiProperty({ description: 'Customers whose first purchase fell in the month' })
  size: number;

  @ApiProperty({ type: [CohortPeriodResponse] })
  periods: CohortPeriodResponse[];
}

export class CohortTableResponse {
  @ApiProperty({ enum: CohortMetric })
  metric: CohortMetric;

  @ApiProperty({ enum: ['month'] })
  by: 'month';

  @ApiProperty({ format: 'date-time' })
  asOf: string;

  @ApiProperty({ type: [CohortRowResponse] })
  data: CohortRowResponse[];
}

export class RecomputeResponse {
  @ApiProperty()
  companies: number;

  @ApiProperty()
  customers: number;

  @ApiProperty({ description: 'Scores written (changed or new)' })
  written: number;

  @ApiProperty({ description: 'Segment or band changes announced' })
  changed: number;
}
