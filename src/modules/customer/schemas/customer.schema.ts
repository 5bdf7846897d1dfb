import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';
import { Contact, ContactSchema } from '../../../domain/contacts';
import { CustomerSize, CustomerSource, CustomerStatus } from '../customer.enums';

@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class Address {
  @Prop({ type: String, default: null }) street: string | null;
  @Prop({ type: String, default: null }) city: string | null;
  @Prop({ type: String, default: null }) region: string | null;
  @Prop({ type: String, default: null }) postalCode: string | null;
  @Prop({ type: String, default: null }) country: string | null;
}

@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class StatusChange {
  @Prop({ type: String, enum: CustomerStatus, default: null }) from: CustomerStatus | null;
  @Prop({ type: String, enum: CustomerStatus, required: true }) to: CustomerStatus;
  @Prop({ type: String, default: null }) reason: string | null;
  @Prop({ required: true }) by: string;
  @Prop({ required: true }) at: Date;
}

/**
 * A customer in the tenant's `customers` collection. Money is kept in integer minor units
 * (cents) as a plain number: exact up to 2^53 cents, no float drift, and $inc/$sum work on it
 * on every server (Decimal128 arithmetic is not something FerretDB's $sum can be trusted with).
 */
@Schema({ collection: 'customers', versionKey: false, strict: 'throw' })
export class Customer extends VersionedRecord {
  @Prop({ required: true })
  companyId: string;

  @Prop({ required: true })
  name: string;

  /** Lower-cased name for sorting: there is no collation on FerretDB. */
  @Prop({ required: true })
  nameSort: string;

  @Prop({ type: String, enum: CustomerStatus, required: true })
  status: CustomerStatus;

  @Prop({ type: String, enum: CustomerSource, required: true })
  source: CustomerSource;

  @Prop({ type: String, default: null }) email: string | null;
  @Prop({ type: String, default: null }) phone: string | null;
  @Prop({ type: String, default: null }) website: string | null;
  @Prop({ type: String, default: null }) industry: string | null;
  @Prop({ type: String, enum: Object.values(CustomerSize), default: null }) size: CustomerSize | null;
  @Prop({ type: SchemaFactory.createForClass(Address), default: null }) address: Address | null;
  @Prop({ type: String, default: null }) notes: string | null;

  /** The client's own id of the customer (another system, a spreadsheet); see externalKeyOf. */
  @Prop({ type: String, default: null }) externalId: string | null;

  /** Always set, unique: `x:<externalId>`, or `id:<_id>` without one (see externalKeyOf). Never returned. */
  @Prop({ type: String }) externalKey: string;

  @Prop({ type: [String], default: [] })
  tags: string[];

  @Prop({ type: String, default: null })
  assignedTo: string | null;

  @Prop({ type: [ContactSchema], default: [] })
  contacts: Contact[];

  @Prop({ required: true, default: 0 })
  totalRevenueMinor: number;

  @Prop({ required: true, default: 0 })
  purchaseCount: number;

  /** Unset until the first purchase; null once every purchase was reversed (see the revenue ledger). */
  @Prop({ type: Date })
  firstPurchaseAt?: Date | null;

  @Prop({ type: Date })
  lastPurchaseAt?: Date | null;

  /** References counted before the revenue ledger; still honoured, no longer written. */
  @Prop({ type: [String], default: [] })
  revenueRefs: string[];

  /** Set when the customer came from a lead; then `_id` is the lead's id (see CustomerService.create). */
  @Prop({ type: String, default: null })
  leadId: string | null;

  @Prop({ type: [SchemaFactory.createForClass(StatusChange)], default: [] })
  statusHistory: StatusChange[];

  /** Word prefixes of the searchable fields; multikey-indexed. Never leaves the service. */
  @Prop({ type: [String], default: [] })
  searchTokens: string[];

  @Prop({ type: Date, default: null })
  deletedAt: Date | null;

  /** Set when this customer was merged into another (then also deleted: hidden from every read, 410). */
  @Prop({ type: String, default: null })
  mergedInto?: string | null;

  /** The merge that took it (see CustomerMergeService.mergeIdOf); its audit entries carry the same id. */
  @Prop({ type: String, default: null })
  mergeId?: string | null;

  /** Rollups of the customer's activities, recounted by CustomerActivityRollups (no version of their own). */
  @Prop({ type: Date, default: null })
  lastActivityAt?: Date | null;

  @Prop({ type: Number, default: 0 })
  openTasks?: number;
}

export type CustomerLean = Customer & { _id: Types.ObjectId };
export const CustomerSchema = SchemaFactory.createForClass(Customer);

// Created at provisioning (autoIndex is off). Company-scoped lists in each sort order, with
// _id as the keyset tie-breaker; tenant-wide "recent"; the common equality filters; search.
CustomerSchema.index({ companyId: 1, updatedAt: -1, _id: -1 });
CustomerSchema.index({ companyId: 1, createdAt: -1, _id: -1 });
CustomerSchema.index({ companyId: 1, nameSort: 1, _id: 1 });
CustomerSchema.index({ updatedAt: -1, _id: -1 });
CustomerSchema.index({ createdAt: -1, _id: -1 });
CustomerSchema.index({ companyId: 1, status: 1, updatedAt: -1 });
CustomerSchema.index({ assignedTo: 1, updatedAt: -1 });
CustomerSchema.index({ tags: 1 });
CustomerSchema.index({ searchTokens: 1 });
CustomerSchema.index({ deletedAt: 1 });
// externalId unique per tenant (database) when set, without sparse or partial indexes: see externalKeyOf.
CustomerSchema.index({ externalKey: 1 }, { unique: true });
