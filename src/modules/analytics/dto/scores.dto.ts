import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HealthBand, HealthComponentKey } from '../scoring/health';
import { RfmSegment } from '../scoring/rfm';

export class RfmScoreResponse {
  @ApiProperty({ enum: RfmSegment })
  segment: RfmSegment;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 5,
    description: 'Recency score (null: no purchase)',
  })
  r: number | null;

  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 5 })
  f: number | null;

  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 5 })
  m: number | null;

  @ApiProperty({ type: String, nullable: true, example: '554' })
  code: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Whole days since the last purchase' })
  recencyDays: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Purchases in the window' })
  frequency: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Revenue in the window (major units)' })
  monetary: number | null;
}

/** The raw measures behind a component (only its own are present). */
export class HealthComponentInputsResponse {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 5, description: 'rfm: recency score' })
  r?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 5, description: 'rfm: frequency score' })
  f?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 5, description: 'rfm: monetary score' })
  m?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'activity: whole days since lastActivityAt (null: no activity)',
  })
  daysSinceLastActivity?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'overdueTasks: open tasks past dueAt on the customer and its deals',
  })
  overdueTasks?: number | null;

  @ApiPropertyOptional({ description: 'status: the customer status' })
  status?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: "openOpportunities: sum of the amounts of the customer's open deals (major units)",
  })
  openOpportunityValue?: number | null;

  @ApiPropertyOptional({ description: 'openOpportunities: revenue in the RFM window (major units), the yardstick' })
  revenueInWindow?: number;
}

export class HealthComponentResponse {
  @ApiProperty({ enum: HealthComponentKey })
  key: HealthComponentKey;

  @ApiProperty({ description: 'Weight in the tenant model' })
  weight: number;

  @ApiProperty({ type: Number, nullable: true, description: '0..1; null when the measure is not available' })
  value: number | null;

  @ApiProperty({ type: HealthComponentInputsResponse, description: 'The raw measures the value comes from' })
  inputs: HealthComponentInputsResponse;

  @ApiProperty({ description: 'Points this component adds to the score' })
  points: number;

  @ApiProperty({ example: 'RFM 554' })
  detail: string;
}

export class HealthScoreResponse {
  @ApiProperty({ minimum: 0, maximum: 100 })
  score: number;

  @ApiProperty({ enum: HealthBand })
  band: HealthBand;

  @ApiProperty({ type: [HealthComponentResponse] })
  components: HealthComponentResponse[];
}

export class CustomerScoresResponse {
  @ApiProperty()
  customerId: string;

  @ApiProperty()
  companyId: string;

  @ApiProperty({ type: RfmScoreResponse })
  rfm: RfmScoreResponse;

  @ApiProperty({ type: HealthScoreResponse })
  health: HealthScoreResponse;

  @ApiProperty({ format: 'date-time', description: 'The date the scores describe' })
  asOf: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the scores were last computed (or confirmed unchanged by a full recompute)',
  })
  lastComputedAt: string;
}
