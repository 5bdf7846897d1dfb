import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';

@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class Stage {
  @Prop({ required: true }) key: string;
  @Prop({ required: true }) name: string;
  /** Win probability in percent (0..100), for the weighted forecast. */
  @Prop({ required: true }) probability: number;
}

/**
 * A sales pipeline (`pipelines`): ordered open stages; won and lost are the closed outcomes of every
 * pipeline. Tenant-wide (every company uses the tenant's pipelines). Few per tenant (MAX_PIPELINES),
 * always read whole: no index besides `_id`.
 */
@Schema({ collection: 'pipelines', versionKey: false, strict: 'throw' })
export class Pipeline extends VersionedRecord {
  @Prop({ required: true }) name: string;
  @Prop({ type: [SchemaFactory.createForClass(Stage)], default: [] }) stages: Stage[];
  @Prop({ required: true, default: false }) isDefault: boolean;
}

export type PipelineLean = Pipeline & { _id: Types.ObjectId };
export const PipelineSchema = SchemaFactory.createForClass(Pipeline);
