import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * Small per-tenant documents of the module (`analytics_state`), one per `_id`:
 * `health-model` (the tenant's weights and thresholds, versioned), `edges:<companyId>` (the quintile
 * edges of the company's last full recompute, for incremental scoring) and `run` (the scheduled
 * recompute in progress, so an interrupted run resumes where it stopped).
 */
@Schema({ collection: 'analytics_state', versionKey: false, strict: 'throw' })
export class AnalyticsState {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ type: Object, required: true }) data: Record<string, unknown>;
  @Prop({ required: true }) version: number;
  @Prop({ required: true }) updatedAt: Date;
  @Prop({ required: true }) updatedBy: string;
}

export const AnalyticsStateSchema = SchemaFactory.createForClass(AnalyticsState);
