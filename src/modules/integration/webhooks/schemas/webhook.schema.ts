import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

export enum WebhookStatus {
  ACTIVE = 'active',
  DISABLED = 'disabled',
}

/** A signing secret (`whsec_…`); the first is current, the others sign alongside until they expire. */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class WebhookSecret {
  @Prop({ required: true }) value: string;
  @Prop({ required: true }) createdAt: Date;
  @Prop({ type: Date, default: null }) expiresAt: Date | null;
}
export const WebhookSecretSchema = SchemaFactory.createForClass(WebhookSecret);

/**
 * A webhook endpoint of the tenant. Versioned (written through the shared writer) except its health
 * (`failingSince`, `failureCount`), which delivery updates on every attempt's outcome: statistics, not
 * edits, so they neither bump the version nor get audited.
 */
@Schema({ collection: 'webhooks', versionKey: false, strict: 'throw' })
export class Webhook {
  @Prop({ required: true }) url: string;
  /** Event names and `module.*` patterns. */
  @Prop({ type: [String], required: true }) events: string[];
  /** Only events filed under these companies; empty: every event of the tenant. */
  @Prop({ type: [String], required: true }) companyIds: string[];
  @Prop({ type: String, default: null }) description: string | null;
  @Prop({ type: String, enum: Object.values(WebhookStatus), required: true }) status: WebhookStatus;
  @Prop({ type: String, default: null }) disabledReason: string | null;
  @Prop({ type: Date, default: null }) disabledAt: Date | null;
  @Prop({ type: [WebhookSecretSchema], required: true }) secrets: WebhookSecret[];
  @Prop({ type: Date, default: null }) failingSince: Date | null;
  @Prop({ type: Number, default: 0 }) failureCount: number;
  @Prop({ required: true }) createdBy: string;
  @Prop({ required: true }) updatedBy: string;
  @Prop({ required: true }) version: number;
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
}

export type WebhookLean = Webhook & { _id: Types.ObjectId };
export const WebhookSchema = SchemaFactory.createForClass(Webhook);
