import { Injectable } from '@nestjs/common';
import { isDuplicateKeyError } from '@app/common';
import { InjectTenantModel, TenantModel } from '@app/tenancy';
import { AnalyticsState } from './schemas/analytics-state.schema';

export interface StateDoc<T> {
  data: T;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

/** The only code touching the tenant's `analytics_state` collection. */
@Injectable()
export class AnalyticsStateRepository {
  constructor(@InjectTenantModel(AnalyticsState.name) private readonly states: TenantModel<AnalyticsState>) {}

  async get<T>(id: string): Promise<StateDoc<T> | null> {
    const doc = await this.states.current().findOne({ _id: id }).lean<AnalyticsState>().exec();
    return doc
      ? { data: doc.data as T, version: doc.version, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy }
      : null;
  }

  /**
   * Writes `data` if the document is still at `version` (0: does not exist yet); false when another
   * write got there first. The insert of version 1 is atomic on every server (unique `_id`).
   */
  async putIfVersion<T extends object>(id: string, version: number, data: T, actor: string): Promise<boolean> {
    const now = new Date();
    const model = this.states.current();
    if (version === 0) {
      try {
        await model.create({ _id: id, data, version: 1, updatedAt: now, updatedBy: actor });
        return true;
      } catch (e) {
        if (isDuplicateKeyError(e)) return false;
        throw e;
      }
    }
    const res = await model
      .updateOne({ _id: id, version }, { $set: { data, updatedAt: now, updatedBy: actor }, $inc: { version: 1 } })
      .exec();
    return res.modifiedCount === 1;
  }

  /** Last writer wins (edges and run progress: recomputed facts, not edits). */
  async put<T extends object>(id: string, data: T, actor: string): Promise<void> {
    await this.states
      .current()
      .updateOne(
        { _id: id },
        { $set: { data, updatedAt: new Date(), updatedBy: actor }, $inc: { version: 1 } },
        { upsert: true },
      )
      .exec();
  }

  async remove(id: string): Promise<void> {
    await this.states.current().deleteOne({ _id: id }).exec();
  }
}
