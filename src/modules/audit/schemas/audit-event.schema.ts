import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type Types } from 'mongoose';
import type { FieldDiff } from '@app/common';

/** One mutation of tenant data: who did what to which record, with the changed fields. */
@Schema({ collection: 'audit_events', versionKey: false, strict: 'throw' })
export class AuditEvent {
  @Prop({ required: true })
  at: Date;

  @Prop({ required: true })
  actor: string;

  /** The domain event name, e.g. `customer.status_changed`. */
  @Prop({ required: true })
  action: string;

  @Prop({ required: true })
  entityType: string;

  @Prop({ required: true })
  entityId: string;

  /** The company the record is filed under; principals limited to companies see only theirs. */
  @Prop({ type: String, default: null })
  companyId: string | null;

  /** Changed fields only, keyed by API field name. */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  changes: Record<string, FieldDiff>;

  @Prop({ type: String, default: null })
  requestId: string | null;
}

export type AuditEventLean = AuditEvent & { _id: Types.ObjectId };
export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
// Created at provisioning. Newest first everywhere; _id breaks ties for the keyset cursor.
AuditEventSchema.index({ at: -1, _id: -1 });
AuditEventSchema.index({ entityType: 1, entityId: 1, at: -1, _id: -1 });
AuditEventSchema.index({ actor: 1, at: -1, _id: -1 });
