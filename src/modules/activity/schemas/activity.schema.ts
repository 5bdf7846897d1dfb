import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { VersionedRecord } from '@app/tenancy';
import { ActivityTargetType, ActivityType, TaskStatus } from '../activity.enums';

/**
 * A note, call, email, meeting or task in the tenant's `activities` collection, about exactly one
 * target record (`targetType` + `targetId`). `customerId` is the customer whose timeline and rollups
 * the activity joins: the target itself for a customer, the opportunity's customer for an
 * opportunity, none for a lead until the lead is converted (then the activity is re-pointed).
 */
@Schema({ collection: 'activities', versionKey: false, strict: 'throw' })
export class Activity extends VersionedRecord {
  @Prop({ required: true }) companyId: string;
  @Prop({ type: String, enum: ActivityType, required: true }) type: ActivityType;
  @Prop({ required: true }) subject: string;
  @Prop({ type: String, default: null }) body: string | null;

  @Prop({ type: String, enum: ActivityTargetType, required: true }) targetType: ActivityTargetType;
  @Prop({ required: true }) targetId: string;
  @Prop({ type: String, default: null }) customerId: string | null;

  @Prop({ required: true }) occurredAt: Date;
  @Prop({ type: String, default: null }) assignedTo: string | null;
  @Prop({ type: Number, default: null }) durationMinutes: number | null;
  @Prop({ type: String, default: null }) outcome: string | null;

  /** Tasks only (null otherwise): so `status: { $ne: 'open' }` is "everything but open tasks". */
  @Prop({ type: String, enum: [...Object.values(TaskStatus), null], default: null }) status: TaskStatus | null;
  @Prop({ type: Date, default: null }) dueAt: Date | null;
  @Prop({ type: Date, default: null }) completedAt: Date | null;
  @Prop({ type: String, default: null }) completedBy: string | null;
  /** The task's last reopening (kept when it is completed again: the audit trail has every one). */
  @Prop({ type: Date, default: null }) reopenedAt: Date | null;
  @Prop({ type: String, default: null }) reopenedBy: string | null;

  @Prop({ type: Date, default: null }) deletedAt: Date | null;
}

export type ActivityLean = Activity & { _id: Types.ObjectId };
export const ActivitySchema = SchemaFactory.createForClass(Activity);

// Created at provisioning (autoIndex is off). Four indexes beside _id, each serving a read path:
// a customer's activities newest first (lists, the timeline, the rollup recount); a target's
// (lead, opportunity) the same way; a company's; one person's tasks by due date ("my open tasks").
ActivitySchema.index({ customerId: 1, occurredAt: -1, _id: -1 });
ActivitySchema.index({ targetId: 1, occurredAt: -1, _id: -1 });
ActivitySchema.index({ companyId: 1, occurredAt: -1, _id: -1 });
ActivitySchema.index({ assignedTo: 1, status: 1, dueAt: 1 });
