import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One customer event as it was sent to a company's room, kept for catch-up. The payload is stored
 * as the JSON text that went over the wire: replay sends exactly the same bytes, and free-form
 * field names in `changes` never meet BSON's key rules.
 */
@Schema({ collection: 'realtime_events', versionKey: false, strict: 'throw' })
export class RealtimeEvent {
  @Prop({ required: true })
  companyId: string;

  /** Position in the company's stream; unique per company, which arbitrates concurrent writers. */
  @Prop({ required: true })
  seq: number;

  @Prop({ required: true })
  event: string;

  @Prop({ required: true })
  payload: string;

  /** When it was logged; pruning (and MongoDB's TTL index) goes by this. */
  @Prop({ required: true })
  at: Date;
}

export const RealtimeEventSchema = SchemaFactory.createForClass(RealtimeEvent);
RealtimeEventSchema.index({ companyId: 1, seq: 1 }, { unique: true });
