import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The last `seq` handed out for a company's event stream (`_id` is the company id). */
@Schema({ collection: 'realtime_counters', versionKey: false, strict: 'throw' })
export class RealtimeCounter {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  seq: number;
}

export const RealtimeCounterSchema = SchemaFactory.createForClass(RealtimeCounter);
