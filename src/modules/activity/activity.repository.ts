import { Injectable } from '@nestjs/common';
import { InjectTenantModel, TenantModel, VersionedRepository } from '@app/tenancy';
import { ActivityTargetType, TaskStatus } from './activity.enums';
import { Activity, type ActivityLean } from './schemas/activity.schema';

/** What a customer's activities add up to (see ActivityRollups). */
export interface ActivityRollup {
  lastActivityAt: Date | null;
  openTasks: number;
}

/** The only code that touches the tenant's `activities` collection. Returns plain objects. */
@Injectable()
export class ActivityRepository extends VersionedRepository<ActivityLean> {
  constructor(@InjectTenantModel(Activity.name) activities: TenantModel<ActivityLean>) {
    super(activities);
  }

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<ActivityLean[]> {
    return this.model.current().find(filter).sort(sort).limit(limit).lean<ActivityLean[]>().exec();
  }

  /**
   * Recounted from the activities themselves (never incremented, so it cannot drift): the newest
   * `occurredAt` of the customer's live activities other than open tasks, and its open tasks.
   */
  async rollupOf(customerId: string): Promise<ActivityRollup> {
    const live = { customerId, deletedAt: null };
    const [latest, openTasks] = await Promise.all([
      this.model
        .current()
        .findOne({ ...live, status: { $ne: TaskStatus.OPEN } }, { occurredAt: 1 })
        .sort({ occurredAt: -1, _id: -1 })
        .lean<Pick<ActivityLean, 'occurredAt'>>()
        .exec(),
      this.model
        .current()
        .countDocuments({ ...live, status: TaskStatus.OPEN })
        .exec(),
    ]);
    return { lastActivityAt: latest?.occurredAt ?? null, openTasks };
  }

  /** Ids of the target's activities (deleted ones too), oldest first, up to `limit`. */
  async idsOfTarget(targetType: ActivityTargetType, targetId: string, limit: number): Promise<string[]> {
    const rows = await this.model
      .current()
      .find({ targetId, targetType }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<Pick<ActivityLean, '_id'>>>()
      .exec();
    return rows.map((r) => r._id.toHexString());
  }

  /** Ids of the activities filed under these customers (any target, deleted ones too), up to `limit`. */
  async idsOfCustomers(customerIds: readonly string[], limit: number): Promise<string[]> {
    const rows = await this.model
      .current()
      .find({ customerId: { $in: [...customerIds] } }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<Pick<ActivityLean, '_id'>>>()
      .exec();
    return rows.map((r) => r._id.toHexString());
  }

  /** Activities filed under these customers, deleted ones too. */
  countOfCustomers(customerIds: readonly string[]): Promise<number> {
    return this.model
      .current()
      .countDocuments({ customerId: { $in: [...customerIds] } })
      .exec();
  }

  /** Every activity filed under the record (customer or any target), deleted ones too, up to `limit`. */
  async idsAbout(recordId: string, limit: number): Promise<Array<Pick<ActivityLean, '_id' | 'companyId'>>> {
    return this.model
      .current()
      .find({ $or: [{ customerId: recordId }, { targetId: recordId }] }, { _id: 1, companyId: 1 })
      .limit(limit)
      .lean<Array<Pick<ActivityLean, '_id' | 'companyId'>>>()
      .exec();
  }

  /** Live activities of the company, counted up to `limit`. */
  countInCompany(companyId: string, limit: number): Promise<number> {
    return this.model.current().countDocuments({ companyId, deletedAt: null }, { limit }).exec();
  }

  /** Unconditional hard delete (purge, probe clean-up). */
  async remove(id: string): Promise<void> {
    await this.model.current().deleteOne({ _id: id }).exec();
  }
}
