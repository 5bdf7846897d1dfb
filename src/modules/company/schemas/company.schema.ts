import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';

@Schema({ collection: 'companies', versionKey: false, strict: 'throw' })
export class Company extends VersionedRecord {
  @Prop({ required: true })
  name: string;

  /** Lower-cased, trimmed name: unique per tenant. */
  @Prop({ required: true })
  nameKey: string;

  @Prop({ default: null, type: String })
  description: string | null;
}

export type CompanyLean = Company & { _id: Types.ObjectId };
export const CompanySchema = SchemaFactory.createForClass(Company);
CompanySchema.index({ nameKey: 1 }, { unique: true });
