import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';
import { LeadSource, LeadStatus } from '../lead.enums';
import { Contact, ContactSchema } from '../../../domain/contacts';

@Schema({ collection: 'leads', versionKey: false, strict: 'throw' })
export class Lead extends VersionedRecord {
  @Prop({ required: true })
  companyId: string;

  @Prop({ required: true })
  name: string;

  /** Lower-cased name for sorting: FerretDB has no collation. */
  @Prop({ required: true })
  nameSort: string;

  @Prop({ type: String, default: null })
  companyName: string | null;

  @Prop({ type: String, default: null })
  email: string | null;

  @Prop({ type: String, default: null })
  phone: string | null;

  @Prop({ type: String, default: null })
  website: string | null;

  @Prop({ type: String, enum: LeadSource, default: LeadSource.OTHER })
  source: LeadSource;

  @Prop({ type: String, enum: LeadStatus, default: LeadStatus.NEW })
  status: LeadStatus;

  @Prop({ type: String, default: null })
  assignedTo: string | null;

  @Prop({ type: [String], default: [] })
  tags: string[];

  @Prop({ type: String, default: null })
  notes: string | null;

  /** The client's own id of the lead; see externalKeyOf. */
  @Prop({ type: String, default: null })
  externalId: string | null;

  /** Always set, unique: `x:<externalId>`, or `id:<_id>` without one (see externalKeyOf). Never returned. */
  @Prop({ type: String })
  externalKey: string;

  /** Integer minor units (cents): no float drift. */
  @Prop({ type: Number, default: null })
  estimatedValueMinor: number | null;

  @Prop({ type: [ContactSchema], default: [] })
  contacts: Contact[];

  /** Normalised word prefixes for `q` (multikey index); never returned. */
  @Prop({ type: [String], default: [] })
  searchTokens: string[];

  @Prop({ type: String, default: null })
  customerId: string | null;

  @Prop({ type: Date, default: null })
  convertedAt: Date | null;

  @Prop({ type: String, default: null })
  convertedBy: string | null;

  @Prop({ type: Date, default: null })
  deletedAt: Date | null;
}

export type LeadLean = Lead & { _id: Types.ObjectId };
export const LeadSchema = SchemaFactory.createForClass(Lead);

// Lists filter live leads by company/status/assignee/tag and page by (sort field, _id).
LeadSchema.index({ deletedAt: 1, companyId: 1, updatedAt: -1, _id: -1 });
LeadSchema.index({ deletedAt: 1, status: 1, updatedAt: -1, _id: -1 });
LeadSchema.index({ deletedAt: 1, assignedTo: 1, updatedAt: -1, _id: -1 });
LeadSchema.index({ deletedAt: 1, updatedAt: -1, _id: -1 });
LeadSchema.index({ deletedAt: 1, createdAt: -1, _id: -1 });
LeadSchema.index({ deletedAt: 1, nameSort: 1, _id: 1 });
LeadSchema.index({ tags: 1 });
LeadSchema.index({ searchTokens: 1 });
LeadSchema.index({ companyId: 1, email: 1 });
// externalId unique per tenant when set, without sparse or partial indexes: see externalKeyOf.
LeadSchema.index({ externalKey: 1 }, { unique: true });
