import { Injectable } from '@nestjs/common';
import { type mongo, Types, type PipelineStage } from 'mongoose';
import { type Contact, LEGACY_CONTACTS_FILTER, type LegacyContactsStore } from '../../domain/contacts';
import { fillExternalKeys } from '../../domain/external-id';
import {
  driverCollection,
  GroupedUpdates,
  groupFor,
  InjectTenantModel,
  TenantModel,
  VersionedRepository,
  withoutDeadline,
} from '@app/tenancy';
import { Customer, CustomerLean } from './schemas/customer.schema';

/**
 * The only code that touches the tenant's `customers` collection. Returns plain objects. Reads leave
 * out the search tokens (up to 600 strings, about half of a document): responses never show them and
 * writes recompute them from the fields. Point reads go by bare `_id` (see VersionedRepository):
 * FerretDB's SQLite backend pushes down nothing else (23x faster at 20k customers than
 * `{ _id, deletedAt }`), and on MongoDB the `_id` index answers both the same.
 */
@Injectable()
export class CustomerRepository extends VersionedRepository<CustomerLean> implements LegacyContactsStore {
  constructor(@InjectTenantModel(Customer.name) customers: TenantModel<CustomerLean>) {
    super(customers, ['searchTokens']);
  }

  /** Pending `lastActivityAt` raises, per tenant database (see raiseLastActivity). */
  private readonly raises = new Map<string, GroupedUpdates<CustomerLean>>();

  find(filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<CustomerLean[]> {
    return this.model.current().find(filter, this.visibleFields).sort(sort).limit(limit).lean<CustomerLean[]>().exec();
  }

  /**
   * Customers matching `filter` in `_id` order from one cursor, `batchSize` in memory at a time (export).
   * One pass: keyset pages would cost FerretDB a full scan and sort each (200 of them for 100,000
   * customers). The cursor outlives the request that opened it (the client reads the stream at its own
   * pace), so it carries no request deadline.
   */
  streamMatching(filter: Record<string, unknown>, batchSize: number): AsyncIterable<CustomerLean> {
    return withoutDeadline(() =>
      this.model.current().find(filter, this.visibleFields).sort({ _id: 1 }).lean<CustomerLean>().cursor({ batchSize }),
    );
  }

  /** Customers matching `filter` in id order after `after`: the fields duplicate detection reads. */
  duplicateCandidates(
    filter: Record<string, unknown>,
    after: Types.ObjectId | null,
    limit: number,
  ): Promise<CustomerLean[]> {
    const where = after ? { $and: [filter, { _id: { $gt: after } }] } : filter;
    return this.model
      .current()
      .find(where, { companyId: 1, name: 1, email: 1, phone: 1, website: 1, contacts: 1, updatedAt: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<CustomerLean[]>()
      .exec();
  }

  /**
   * Every live customer of a company, the fields scoring reads, in one cursor: a single pass over the
   * collection however large the company (pages by `_id` cost FerretDB's SQLite handler a full scan and
   * sort each), `batchSize` at a time in memory.
   */
  streamScan(companyId: string, batchSize: number): AsyncIterable<CustomerLean> {
    return this.model
      .current()
      .find(
        { companyId, deletedAt: null },
        { companyId: 1, status: 1, totalRevenueMinor: 1, createdAt: 1, lastActivityAt: 1 },
      )
      .lean<CustomerLean>()
      .cursor({ batchSize });
  }

  /** Live customers of the company, counted up to `limit`. */
  countInCompany(companyId: string, limit: number): Promise<number> {
    return this.model.current().countDocuments({ companyId, deletedAt: null }, { limit }).exec();
  }

  /** `{ value: count }` of a field among the matched customers (one accumulator: see statistics). */
  async countBy(match: Record<string, unknown>, field: string): Promise<Map<string | null, number>> {
    const rows = await this.aggregate<{ _id: string | null; n: number }>([
      { $match: match },
      { $group: { _id: `$${field}`, n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  async sum(match: Record<string, unknown>, field: string): Promise<number> {
    const rows = await this.aggregate<{ total: number }>([
      { $match: match },
      { $group: { _id: null, total: { $sum: `$${field}` } } },
    ]);
    return rows[0]?.total ?? 0;
  }

  async count(match: Record<string, unknown>): Promise<number> {
    const rows = await this.aggregate<{ n: number }>([{ $match: match }, { $count: 'n' }]);
    return rows[0]?.n ?? 0;
  }

  /** Ids and companies of customers deleted at or before `cutoff`, oldest first. */
  findDeletedBefore(
    cutoff: Date,
    limit: number,
  ): Promise<Array<Pick<CustomerLean, '_id' | 'companyId' | 'deletedAt'>>> {
    return this.model
      .current()
      .find({ deletedAt: { $ne: null, $lte: cutoff } }, { _id: 1, companyId: 1, deletedAt: 1 })
      .sort({ deletedAt: 1 })
      .limit(limit)
      .lean<Array<Pick<CustomerLean, '_id' | 'companyId' | 'deletedAt'>>>()
      .exec();
  }

  /** Hard delete, only if still deleted at or before `cutoff` (a restore in between wins). */
  async purge(id: Types.ObjectId | string, cutoff: Date): Promise<boolean> {
    const res = await this.model.current().deleteOne({ _id: id, deletedAt: { $ne: null, $lte: cutoff } });
    return res.deletedCount === 1;
  }

  /** See LegacyContactsStore (the contact-names migration). */
  async idsWithLegacyContacts(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.model
      .current()
      .find({ ...LEGACY_CONTACTS_FILTER, ...(after ? { _id: { $gt: new Types.ObjectId(after) } } : {}) }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    return rows.map((r) => r._id.toHexString());
  }

  /** See LegacyContactsStore: contacts only, at `version`, without a new version. */
  async replaceContacts(id: string, version: number, contacts: Contact[]): Promise<boolean> {
    const res = await this.model.current().updateOne({ _id: id, version }, { $set: { contacts } }).exec();
    return res.matchedCount === 1;
  }

  /** Every customer, deleted ones included, with the fields the counters count (their recount). */
  allCounted(): AsyncIterable<CustomerLean> {
    const fields = { companyId: 1, status: 1, source: 1, totalRevenueMinor: 1, createdAt: 1, deletedAt: 1 };
    return this.model.current().find({}, fields).lean<CustomerLean>().cursor();
  }

  /** The activity rollups, without a new version (see CustomerActivityRollups). */
  async setActivityRollup(id: string, rollup: { lastActivityAt: Date | null; openTasks: number }): Promise<void> {
    await this.model.current().updateOne({ _id: id }, { $set: rollup }).exec();
  }

  /**
   * `lastActivityAt` raised to `at` if that is later (`$max`; null sorts below every date). Raises of
   * concurrent writers (notes logged on many customers at once) go to the server together, one
   * command for many: `$max` commutes, and each caller still waits for its own to land.
   */
  async raiseLastActivity(id: string, at: Date): Promise<void> {
    const model = this.model.current();
    const raises = groupFor(
      this.raises,
      model.db.name,
      (idle) => new GroupedUpdates(driverCollection<CustomerLean>(model), idle),
    );
    await raises.add({
      updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $max: { lastActivityAt: at } } },
    });
  }

  /**
   * Gives every customer stored before externalId its key (`id:<_id>`), without a new version (it
   * changes nothing a client sees); see externalKeyOf. Returns how many it changed.
   */
  fillExternalKeys(): Promise<number> {
    return fillExternalKeys(this.model.current().collection as unknown as mongo.Collection);
  }

  /** Unconditional hard delete (isolation probe clean-up). */
  async remove(id: string): Promise<boolean> {
    const res = await this.model.current().deleteOne({ _id: id });
    return res.deletedCount === 1;
  }

  private aggregate<T>(pipeline: PipelineStage[]): Promise<T[]> {
    return this.model.current().aggregate<T>(pipeline).exec();
  }
}
