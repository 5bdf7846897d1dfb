import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { InjectTenantModel, TenantModel } from '@app/tenancy';
import { RevenueEntry, type RevenueEntryLean } from './revenue-entry.schema';

/** What a customer's ledger adds up to (live entries: neither reversals nor reversed). */
export interface LedgerTotals {
  totalMinor: number;
  purchases: number;
  first: Date | null;
  last: Date | null;
}

/** The only code touching the tenant's `revenue_entries` collection. Plain objects out. */
@Injectable()
export class RevenueLedgerRepository {
  constructor(@InjectTenantModel(RevenueEntry.name) private readonly model: TenantModel<RevenueEntryLean>) {}

  async insert(entry: Omit<RevenueEntryLean, '_id'> & { _id?: Types.ObjectId }): Promise<RevenueEntryLean> {
    const Model = this.model.current();
    const doc = await new Model({ _id: new Types.ObjectId(), ...entry }).save();
    return doc.toObject<RevenueEntryLean>();
  }

  findByKey(key: string): Promise<RevenueEntryLean | null> {
    return this.model.current().findOne({ key }).lean<RevenueEntryLean>().exec();
  }

  async findById(id: string): Promise<RevenueEntryLean | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.model.current().findOne({ _id: id }).lean<RevenueEntryLean>().exec();
  }

  find(where: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<RevenueEntryLean[]> {
    return this.model.current().find(where).sort(sort).limit(limit).lean<RevenueEntryLean[]>().exec();
  }

  /**
   * Entries of the companies one at a time, grouped by customer (customer, then newest first: the
   * `{ customerId, at, _id }` index order), for reads over a whole company (analytics).
   */
  async *streamByCustomer(companyIds: readonly string[], batchSize: number): AsyncGenerator<RevenueEntryLean> {
    const cursor = this.model
      .current()
      .find({ companyId: { $in: [...companyIds] } })
      .sort({ customerId: 1, at: -1, _id: -1 })
      .lean<RevenueEntryLean>()
      .cursor({ batchSize });
    for await (const entry of cursor) yield entry as RevenueEntryLean;
  }

  /** Reversals of the given keys, by the key they reverse. */
  async reversalsOf(customerId: string, keys: string[]): Promise<Map<string, RevenueEntryLean>> {
    if (!keys.length) return new Map();
    const rows = await this.model
      .current()
      .find({ customerId, reverses: { $in: keys } })
      .lean<RevenueEntryLean[]>()
      .exec();
    return new Map(rows.map((r) => [r.reverses as string, r]));
  }

  async hasEntries(customerId: string): Promise<boolean> {
    return (await this.model.current().countDocuments({ customerId }, { limit: 1 }).exec()) > 0;
  }

  /**
   * The totals of a customer's live entries. FerretDB 1.24 computes only the first accumulator of a
   * `$group` correctly, so the two sums are two pipelines; first and last purchase are index-ordered
   * reads (no `$min`/`$max` in its `$group`). The reversed keys come first, so an original counts or
   * not by whether its reversal exists, whichever of the two landed first.
   */
  async totals(customerId: string): Promise<LedgerTotals> {
    const Model = this.model.current();
    const reversed = await Model.find({ customerId, reverses: { $ne: null } }, { reverses: 1 })
      .lean<Array<{ reverses: string }>>()
      .exec();
    const live = { customerId, reverses: null, key: { $nin: reversed.map((r) => r.reverses) } };
    const sum = async (field: string): Promise<number> => {
      const rows = await Model.aggregate<{ t: number }>([
        { $match: live },
        { $group: { _id: null, t: { $sum: `$${field}` } } },
      ]).exec();
      return rows[0]?.t ?? 0;
    };
    const edge = async (direction: 1 | -1): Promise<Date | null> => {
      const row = await Model.findOne({ ...live, purchases: { $gt: 0 } }, { at: 1 })
        .sort({ at: direction, _id: direction })
        .lean<{ at: Date }>()
        .exec();
      return row?.at ?? null;
    };
    const [totalMinor, purchases, first, last] = await Promise.all([
      sum('amountMinor'),
      sum('purchases'),
      edge(1),
      edge(-1),
    ]);
    return { totalMinor, purchases, first, last };
  }

  /** Every entry of a customer (purge). */
  async removeForCustomer(customerId: string): Promise<number> {
    const res = await this.model.current().deleteMany({ customerId }).exec();
    return res.deletedCount;
  }
}
