import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';

@Schema({ collection: 'companies', timestamps: true, versionKey: false, strict: 'throw' })
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

  createdAt: Date;
  updatedAt: Date;
}

export type CompanyLean = Company & { _id: Types.ObjectId };
export type CompanyDocument = HydratedDocument<Company>;
export const CompanySchema = SchemaFactory.createForClass(Company);
CompanySchema.index({ nameKey: 1 }, { unique: true });
