import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HealthComponent } from '../scoring/health';
import type { RfmScore } from '../scoring/rfm';

/**
 * The stored scores of one customer (`customer_scores`, `_id` = the customer's id): written by the full
 * recompute (only when they changed) and by incremental updates. Statistics, not edits: no version, no
 * audit; changes of segment or band are announced as events.
 */
@Schema({ collection: 'customer_scores', versionKey: false, strict: 'throw' })
export class CustomerScore {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) companyId: string;
  /** The RFM segment, `no_purchase` included (flat, for the segment filter's index). */
  @Prop({ required: true }) segment: string;
  @Prop({ required: true }) band: string;
  @Prop({ type: Object, default: null }) rfm: RfmScore | null;
  @Prop({ required: true }) healthScore: number;
  @Prop({ type: [Object], required: true }) components: HealthComponent[];
  /** The date the scores describe. */
  @Prop({ required: true }) asOf: Date;
  /** When they were written; a full run that found them unchanged confirms them without a write. */
  @Prop({ required: true }) computedAt: Date;
}

export const CustomerScoreSchema = SchemaFactory.createForClass(CustomerScore);
// Segment filters and per-segment counts, per company.
CustomerScoreSchema.index({ companyId: 1, segment: 1 });
CustomerScoreSchema.index({ companyId: 1, band: 1 });
