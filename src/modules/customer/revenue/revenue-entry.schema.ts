import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { RevenueSource } from './revenue.enums';

/**
 * One entry of a customer's revenue ledger (`revenue_entries`): a purchase, an opening balance carried
 * over from totals kept before the ledger, or the reversal of one of those. Entries are never changed,
 * only added; the customer's totals are computed from them.
 *
 * `key` is unique and always set (FerretDB ignores `sparse`, so a unique index on an optional field
 * would refuse the second entry without one): `<customerId>|<reference>` for a referenced entry, which
 * is what makes a retried or raced record count once on every server, and `rev|<key of the original>`
 * for a reversal, so an entry is reversed at most once.
 */
@Schema({ collection: 'revenue_entries', versionKey: false, strict: 'throw' })
export class RevenueEntry {
  @Prop({ required: true }) customerId: string;
  @Prop({ required: true }) companyId: string;
  @Prop({ required: true }) key: string;
  /** Integer minor units (cents); negative on a reversal. */
  @Prop({ required: true }) amountMinor: number;
  /** Purchases the entry counts: 1 for a purchase, n for an opening balance, minus the original's on a reversal. */
  @Prop({ required: true }) purchases: number;
  @Prop({ required: true }) at: Date;
  @Prop({ type: String, default: null }) reference: string | null;
  @Prop({ type: String, enum: RevenueSource, required: true }) source: RevenueSource;
  /** On a reversal: the reversed entry's id (null if the reversal was recorded before its original landed). */
  @Prop({ type: String, default: null }) reversalOf: string | null;
  /** On a reversal: the key of the reversed entry. Null on every other entry. */
  @Prop({ type: String, default: null }) reverses: string | null;
  @Prop({ type: String, default: null }) reason: string | null;
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) createdBy: string;
}

export type RevenueEntryLean = RevenueEntry & { _id: Types.ObjectId };
export const RevenueEntrySchema = SchemaFactory.createForClass(RevenueEntry);

// Created at provisioning. Dedupe (and at-most-once reversal); a customer's entries newest first (the
// list, its totals and first/last purchase all read through this one).
RevenueEntrySchema.index({ key: 1 }, { unique: true });
RevenueEntrySchema.index({ customerId: 1, at: -1, _id: -1 });
