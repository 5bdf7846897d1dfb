import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';
import { OpportunityStatus } from '../opportunity.enums';

@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class StageChange {
  @Prop({ type: String, default: null }) from: string | null;
  @Prop({ required: true }) to: string;
  @Prop({ required: true }) by: string;
  @Prop({ required: true }) at: Date;
}

/**
 * A deal on a customer (`opportunities`). The amount is integer minor units (cents), like revenue.
 * `closeDate` is the date the forecast windows on: the expected close date while open, the actual one
 * once closed. `winSeq` counts wins: the n-th win records revenue under reference `opportunity:<id>`
 * occurrence n, so a reopened and won-again deal counts again, a retried win never twice.
 */
@Schema({ collection: 'opportunities', versionKey: false, strict: 'throw' })
export class Opportunity extends VersionedRecord {
  @Prop({ required: true }) companyId: string;
  @Prop({ required: true }) customerId: string;
  @Prop({ required: true }) pipelineId: string;
  @Prop({ required: true }) name: string;
  @Prop({ required: true }) nameSort: string;
  @Prop({ required: true }) amountMinor: number;
  /** An open stage's key, or won/lost. */
  @Prop({ required: true }) stage: string;
  @Prop({ type: String, enum: OpportunityStatus, required: true }) status: OpportunityStatus;
  /** The stage's probability when the deal entered it (the forecast uses the pipeline's current ones). */
  @Prop({ required: true }) probability: number;
  @Prop({ type: Date, default: null }) expectedCloseAt: Date | null;
  @Prop({ type: Date, default: null }) closedAt: Date | null;
  @Prop({ type: Date, default: null }) closeDate: Date | null;
  @Prop({ type: String, default: null }) ownerId: string | null;
  @Prop({ type: String, default: null }) lostReason: string | null;
  /** The open stage a closed deal returns to when reopened. */
  @Prop({ type: String, default: null }) reopenStage: string | null;
  @Prop({ required: true, default: 0 }) winSeq: number;
  @Prop({ type: String, default: null }) leadId: string | null;
  @Prop({ type: [SchemaFactory.createForClass(StageChange)], default: [] }) stageHistory: StageChange[];
  /** Word prefixes of the name; multikey-indexed. Never leaves the repository. */
  @Prop({ type: [String], default: [] }) searchTokens: string[];
  @Prop({ type: Date, default: null }) deletedAt: Date | null;
}

export type OpportunityLean = Opportunity & { _id: Types.ObjectId };
export const OpportunitySchema = SchemaFactory.createForClass(Opportunity);

// Created at provisioning. The board (a pipeline's stage, most recently moved first) and the forecast's
// pipeline match; a customer's deals (deletion check, timeline); company lists and the company
// deletion check; name search.
OpportunitySchema.index({ pipelineId: 1, stage: 1, updatedAt: -1, _id: -1 });
OpportunitySchema.index({ customerId: 1, status: 1 });
OpportunitySchema.index({ companyId: 1, updatedAt: -1, _id: -1 });
OpportunitySchema.index({ searchTokens: 1 });
