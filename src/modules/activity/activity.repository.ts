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
    const [lastActivityAt, openTasks] = await Promise.all([
      this.lastActivityOf(customerId),
      this.model.current().countDocuments({ customerId, deletedAt: null, status: TaskStatus.OPEN }).exec(),
    ]);
    return { lastActivityAt, openTasks };
  }

  /** The newest `occurredAt` of the customer's live activities other than open tasks (null: none). */
  async lastActivityOf(customerId: string): Promise<Date | null> {
    const latest = await this.model
      .current()
      .findOne({ customerId, deletedAt: null, status: { $ne: TaskStatus.OPEN } }, { occurredAt: 1 })
      .sort({ occurredAt: -1, _id: -1 })
      .lean<Pick<ActivityLean, 'occurredAt'>>()
      .exec();
    return latest?.occurredAt ?? null;
  }

  /**
   * Open tasks past due at `asOf` per customer of the company (customers with none are left out). One
   * `$match` + `$group`/`$sum` (FerretDB has both); the result holds only customers with overdue tasks.
   */
  async overdueByCustomer(companyId: string, asOf: Date): Promise<Map<string, number>> {
    const rows = await this.model
      .current()
      .aggregate<{ _id: string; n: number }>([
        { $match: { companyId, customerId: { $ne: null }, ...overdueAt(asOf) } },
        { $group: { _id: '$customerId', n: { $sum: 1 } } },
      ])
      .exec();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** The customer's open tasks past due at `asOf` (its `customerId` index bounds the read). */
  overdueOf(customerId: string, asOf: Date): Promise<number> {
    return this.model
      .current()
      .countDocuments({ customerId, ...overdueAt(asOf) })
      .exec();
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

/** Live open tasks due before `asOf` (a task without dueAt is never due: `$lt` does not match null). */
function overdueAt(asOf: Date): Record<string, unknown> {
  return { deletedAt: null, status: TaskStatus.OPEN, dueAt: { $ne: null, $lt: asOf } };
}
