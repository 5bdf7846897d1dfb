import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { deleteAllMatching, driverCollection, inWriteChunks, InjectTenantModel, TenantModel } from '@app/tenancy';
import {
  type DeliveryAttempt,
  DeliveryStatus,
  WebhookDelivery,
  type WebhookDeliveryLean,
} from '../schemas/webhook-delivery.schema';

/** Attempts kept per delivery in the log. */
const HISTORY = 10;
const DUPLICATE_KEY = 11000;

/** What an attempt changes on its delivery. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  at: Date;
  responseStatus: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

/** The only code that touches the tenant's `webhook_deliveries` collection. Returns plain objects. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectTenantModel(WebhookDelivery.name) private readonly deliveries: TenantModel<WebhookDelivery>) {}

  async findById(id: string): Promise<WebhookDeliveryLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.deliveries.current().findOne({ _id: id }).lean<WebhookDeliveryLean>().exec();
  }

  /** Whole deliveries (body and history included) by id, in one read. */
  findMany(ids: readonly Types.ObjectId[]): Promise<WebhookDeliveryLean[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.deliveries
      .current()
      .find({ _id: { $in: ids } })
      .lean<WebhookDeliveryLean[]>()
      .exec();
  }

  /** Inserts the deliveries not recorded yet (their ids are derived: a repeat is a duplicate key). */
  async insertNew(docs: WebhookDeliveryLean[]): Promise<WebhookDeliveryLean[]> {
    const fresh: WebhookDeliveryLean[] = [];
    for (const doc of docs) {
      try {
        await this.deliveries.current().create(doc);
        fresh.push(doc);
      } catch (e) {
        if ((e as { code?: unknown }).code !== DUPLICATE_KEY) throw e;
      }
    }
    return fresh;
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<WebhookDeliveryLean[]> {
    return this.deliveries.current().find(filter).sort(sort).limit(limit).lean<WebhookDeliveryLean[]>().exec();
  }

  /** Pending deliveries whose next attempt is due, earliest first. */
  due(now: Date, limit: number): Promise<WebhookDeliveryLean[]> {
    return this.deliveries
      .current()
      .find({ status: DeliveryStatus.PENDING, nextAttemptAt: { $lte: now } }, { body: 0, history: 0 })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .lean<WebhookDeliveryLean[]>()
      .exec();
  }

  /** Records one attempt; only the holder of the attempt's claim calls this, so no version is needed. */
  async recordAttempt(d: WebhookDeliveryLean, o: AttemptOutcome): Promise<WebhookDeliveryLean | null> {
    return this.deliveries
      .current()
      .findOneAndUpdate({ _id: d._id }, attemptUpdate(d, o), { returnDocument: 'after' })
      .lean<WebhookDeliveryLean>()
      .exec();
  }

  /** Records many attempts in one round trip, each by `_id` (each by the holder of its claim). */
  async recordAttempts(outcomes: ReadonlyArray<readonly [WebhookDeliveryLean, AttemptOutcome]>): Promise<void> {
    if (!outcomes.length) return;
    const ops = outcomes.map(([d, o]) => ({ updateOne: { filter: { _id: d._id }, update: attemptUpdate(d, o) } }));
    await inWriteChunks(ops, (chunk) => this.deliveries.current().bulkWrite(chunk, { ordered: false }));
  }

  /** A manual retry: due now, with a fresh retry window. */
  async reschedule(id: Types.ObjectId, now: Date): Promise<void> {
    await this.deliveries
      .current()
      .updateOne(
        { _id: id },
        { $set: { status: DeliveryStatus.PENDING, nextAttemptAt: now, windowStart: now, updatedAt: now } },
      )
      .exec();
  }

  /** Ends an endpoint's pending deliveries (it was disabled). */
  async failPending(webhookId: string, reason: string, now: Date): Promise<number> {
    const res = await this.deliveries
      .current()
      .updateMany(
        { webhookId, status: DeliveryStatus.PENDING },
        { $set: { status: DeliveryStatus.FAILED, nextAttemptAt: null, error: reason, updatedAt: now } },
      )
      .exec();
    return res.modifiedCount;
  }

  async finish(id: Types.ObjectId, reason: string, now: Date): Promise<void> {
    await this.deliveries
      .current()
      .updateOne(
        { _id: id },
        { $set: { status: DeliveryStatus.FAILED, nextAttemptAt: null, error: reason, updatedAt: now } },
      )
      .exec();
  }

  async deleteOne(id: Types.ObjectId): Promise<void> {
    await this.deliveries.current().deleteOne({ _id: id }).exec();
  }

  async deleteForWebhook(webhookId: string): Promise<number> {
    return deleteAllMatching(driverCollection(this.deliveries.current()), { webhookId });
  }

  async deleteForEntity(entityType: string, entityId: string): Promise<number> {
    return (await this.deliveries.current().deleteMany({ entityType, entityId }).exec()).deletedCount;
  }

  /** Finished deliveries of an endpoint created before `cutoff`. */
  async prune(webhookId: string, cutoff: Date): Promise<number> {
    return deleteAllMatching(driverCollection(this.deliveries.current()), {
      webhookId,
      createdAt: { $lt: cutoff },
      status: { $ne: DeliveryStatus.PENDING },
    });
  }
}

function attemptUpdate(d: WebhookDeliveryLean, o: AttemptOutcome) {
  const attempt: DeliveryAttempt = {
    at: o.at,
    responseStatus: o.responseStatus,
    durationMs: o.durationMs,
    error: o.error,
  };
  return {
    $set: {
      status: o.status,
      attempts: d.attempts + 1,
      nextAttemptAt: o.nextAttemptAt,
      lastAttemptAt: o.at,
      responseStatus: o.responseStatus,
      durationMs: o.durationMs,
      responseBody: o.responseBody,
      error: o.error,
      history: [...(d.history ?? []), attempt].slice(-HISTORY),
      updatedAt: o.at,
    },
  };
}
