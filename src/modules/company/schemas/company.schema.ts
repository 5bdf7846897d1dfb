import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

@Schema({ collection: 'companies', versionKey: false, strict: 'throw' })
export class Company {
  @Prop({ required: true })
  name: string;

  /** Lower-cased, trimmed name: unique per tenant. */
  @Prop({ required: true })
  nameKey: string;

  @Prop({ default: null, type: String })
  description: string | null;

  @Prop({ required: true })
  createdBy: string;

  @Prop({ required: true })
  updatedBy: string;

  @Prop({ required: true, default: 1 })
  version: number;

  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
}

export type CompanyLean = Company & { _id: Types.ObjectId };
export const CompanySchema = SchemaFactory.createForClass(Company);
CompanySchema.index({ nameKey: 1 }, { unique: true });
