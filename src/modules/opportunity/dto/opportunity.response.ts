import { ApiProperty } from '@nestjs/swagger';
import { OpportunityStatus } from '../opportunity.enums';

export class StageChangeResponse {
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty() by: string;
  @ApiProperty() at: string;
}

export class OpportunityResponse {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty() customerId: string;
  @ApiProperty() pipelineId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Major currency units (stored as integer cents)', example: 25000 }) amount: number;
  @ApiProperty({ description: 'An open stage of the pipeline, or won/lost' }) stage: string;
  @ApiProperty({ enum: OpportunityStatus }) status: OpportunityStatus;
  @ApiProperty({ description: 'Win probability of the stage when the deal entered it (percent)' })
  probability: number;
  @ApiProperty({ nullable: true, type: String }) expectedCloseAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) ownerId: string | null;
  @ApiProperty({ nullable: true, type: String }) lostReason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set when the deal came from a lead conversion' })
  leadId: string | null;
  @ApiProperty({ type: [StageChangeResponse] }) stageHistory: StageChangeResponse[];
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Also sent as ETag; send it back in If-Match' }) version: number;
}

export class OpportunityPageResponse {
  @ApiProperty({ type: [OpportunityResponse] }) data: OpportunityResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ForecastStageResponse {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() probability: number;
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Major units' }) amount: number;
  @ApiProperty({ description: 'amount × probability, rounded to cents per stage' }) weightedAmount: number;
}

export class ForecastTotalResponse {
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Major units' }) amount: number;
}

export class ForecastOpenResponse extends ForecastTotalResponse {
  @ApiProperty() weightedAmount: number;
}

export class ForecastResponse {
  @ApiProperty() pipelineId: string;
  @ApiProperty({ nullable: true, type: String }) companyId: string | null;
  @ApiProperty({ nullable: true, type: String }) closingFrom: string | null;
  @ApiProperty({ nullable: true, type: String }) closingTo: string | null;
  @ApiProperty({ type: [ForecastStageResponse], description: 'Open stages in pipeline order' })
  stages: ForecastStageResponse[];
  @ApiProperty({ type: ForecastOpenResponse }) open: ForecastOpenResponse;
  @ApiProperty({ type: ForecastTotalResponse }) won: ForecastTotalResponse;
  @ApiProperty({ type: ForecastTotalResponse }) lost: ForecastTotalResponse;
  @ApiProperty({ nullable: true, type: Number, description: 'won ÷ (won + lost) by count; null without closed deals' })
  winRate: number | null;
}
