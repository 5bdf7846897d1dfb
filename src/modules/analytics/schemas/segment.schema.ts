import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

/** What a saved segment matches: customer list filters plus analytics criteria. Money in minor units. */
export interface SegmentFilter {
  status?: string;
  source?: string;
  assignedTo?: string;
  tag?: string[];
  q?: string;
  rfmSegment?: string[];
  healthBand?: string[];
  revenueMinMinor?: number;
  revenueMaxMinor?: number;
  lastActivityFrom?: Date;
  lastActivityTo?: Date;
}

/** A saved, dynamic segment (`segments`): evaluated whenever it is used, never a frozen list. */
// minimize off: an empty filter (every customer) is a filter, not a missing one.
@Schema({ collection: 'segments', versionKey: false, strict: 'throw', minimize: false })
export class Segment {
  @Prop({ required: true }) name: string;
  @Prop({ type: String, default: null }) description: string | null;
  /** Null: every company the user may see. */
  @Prop({ type: String, default: null }) companyId: string | null;
  @Prop({ type: Object, default: () => ({}) }) filter: SegmentFilter;
  @Prop({ required: true }) createdBy: string;
  @Prop({ required: true }) updatedBy: string;
  @Prop({ required: true }) version: number;
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
}

export type SegmentLean = Segment & { _id: Types.ObjectId };
export const SegmentSchema = SchemaFactory.createForClass(Segment);
