import { Injectable } from '@nestjs/common';
import { Types, type UpdateQuery } from 'mongoose';
import { InjectTenantModel, type NewRecord, type Stamped, TenantModel, type VersionedStore } from '@app/tenancy';
import { Webhook, type WebhookLean } from './schemas/webhook.schema';

/** The only code that touches the tenant's `webhooks` collection. Returns plain objects. */
@Injectable()
export class WebhookRepository implements VersionedStore<WebhookLean> {
  constructor(@InjectTenantModel(Webhook.name) private readonly webhooks: TenantModel<Webhook>) {}

  async findById(id: string): Promise<WebhookLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.webhooks.current().findOne({ _id: id }).lean<WebhookLean>().exec();
  }

  /** Every endpoint of the tenant in id order (there are at most MAX_WEBHOOKS). */
  all(limit: number): Promise<WebhookLean[]> {
    return this.webhooks.current().find().sort({ _id: 1 }).limit(limit).lean<WebhookLean[]>().exec();
  }

  count(): Promise<number> {
    return this.webhooks.current().countDocuments().exec();
  }

  countFilteredTo(companyId: string): Promise<number> {
    return this.webhooks.current().countDocuments({ companyIds: companyId }).exec();
  }

  async insert(doc: NewRecord<WebhookLean> & Stamped): Promise<WebhookLean> {
    const created = await this.webhooks.current().create(doc as Webhook);
    return created.toObject<WebhookLean>();
  }

  updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<WebhookLean>,
    guard: Record<string, unknown> = {},
  ): Promise<WebhookLean | null> {
    return this.webhooks
      .current()
      .findOneAndUpdate({ ...guard, _id: id, version }, update as UpdateQuery<Webhook>, { returnDocument: 'after' })
      .lean<WebhookLean>()
      .exec();
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    const res = await this.webhooks.current().deleteOne({ _id: id, version }).exec();
    return res.deletedCount === 1;
  }

  /**
   * Health after a failed attempt. Not atomic on FerretDB (two instances may each count one failure
   * as the other's): an approximate count is all the disabling rule needs.
   */
  async recordFailure(id: Types.ObjectId, at: Date): Promise<void> {
    const model = this.webhooks.current();
    await model.updateOne({ _id: id, failingSince: null }, { $set: { failingSince: at } }).exec();
    await model.updateOne({ _id: id }, { $inc: { failureCount: 1 } }).exec();
  }

  async recordSuccess(id: Types.ObjectId): Promise<void> {
    await this.webhooks
      .current()
      .updateOne({ _id: id }, { $set: { failingSince: null, failureCount: 0 } })
      .exec();
  }
}
