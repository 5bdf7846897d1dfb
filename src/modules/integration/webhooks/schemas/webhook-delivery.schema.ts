import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

export enum DeliveryStatus {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}

/** One attempt, as the delivery log keeps it. */
@Schema({ _id: false, versionKey: false, strict: 'throw' })
export class DeliveryAttempt {
  @Prop({ required: true }) at: Date;
  @Prop({ type: Number, default: null }) responseStatus: number | null;
  @Prop({ required: true }) durationMs: number;
  @Prop({ type: String, default: null }) error: string | null;
}
export const DeliveryAttemptSchema = SchemaFactory.createForClass(DeliveryAttempt);

/**
 * One event for one endpoint. Its `_id` is derived from the event and the endpoint, so recording the
 * same event twice (the outbox delivers at least once) makes one delivery, not two.
 */
@Schema({ collection: 'webhook_deliveries', versionKey: false, strict: 'throw' })
export class WebhookDelivery {
  @Prop({ required: true }) webhookId: string;
  /** The Standard Webhooks message id (`webhook-id`), the same on every attempt. */
  @Prop({ required: true }) messageId: string;
  @Prop({ required: true }) eventType: string;
  /** The record the event is about (purges erase its deliveries). */
  @Prop({ type: String, default: null }) entityType: string | null;
  @Prop({ type: String, default: null }) entityId: string | null;
  @Prop({ type: String, default: null }) companyId: string | null;
  /** The exact body every attempt sends (signed anew with each attempt's timestamp). */
  @Prop({ required: true }) body: string;
  /** A test ping: one attempt, no retries, no effect on the endpoint's health. */
  @Prop({ required: true }) ping: boolean;
  @Prop({ type: String, enum: Object.values(DeliveryStatus), required: true }) status: DeliveryStatus;
  @Prop({ required: true }) attempts: number;
  /** Retries run until this plus WEBHOOK_RETRY_WINDOW_MS (a manual retry starts a new window). */
  @Prop({ required: true }) windowStart: Date;
  @Prop({ type: Date, default: null }) nextAttemptAt: Date | null;
  @Prop({ type: Date, default: null }) lastAttemptAt: Date | null;
  @Prop({ type: Number, default: null }) responseStatus: number | null;
  @Prop({ type: Number, default: null }) durationMs: number | null;
  /** The start of the last response body (at most 1 KiB). */
  @Prop({ type: String, default: null }) responseBody: string | null;
  @Prop({ type: String, default: null }) error: string | null;
  @Prop({ type: [DeliveryAttemptSchema], default: [] }) history: DeliveryAttempt[];
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
}

export type WebhookDeliveryLean = WebhookDelivery & { _id: Types.ObjectId };
export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDelivery);
/** The delivery log of an endpoint, newest first (GET /webhooks/:id/deliveries). */
WebhookDeliverySchema.index({ webhookId: 1, createdAt: -1, _id: -1 });
/** Due attempts (the delivery loop). */
WebhookDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
