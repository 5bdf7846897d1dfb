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
   * The totals of a customer's live entries: one read of its entries (index prefix `customerId`), the
   * arithmetic in code, in integer cents. One query instead of a `$group` per sum (FerretDB 1.24 computes
   * only the first accumulator of a `$group` correctly) and ordered reads for first and last purchase.
   * An original counts or not by whether its reversal exists, whichever of the two landed first.
   */
  async totals(customerId: string): Promise<LedgerTotals> {
    const rows = await this.model
      .current()
      .find({ customerId }, { _id: 0, key: 1, amountMinor: 1, purchases: 1, at: 1, reverses: 1 })
      .lean<Array<Pick<RevenueEntryLean, 'key' | 'amountMinor' | 'purchases' | 'at' | 'reverses'>>>()
      .exec();
    const reversed = new Set(rows.filter((r) => r.reverses !== null).map((r) => r.reverses));
    const t: LedgerTotals = { totalMinor: 0, purchases: 0, first: null, last: null };
    for (const r of rows) {
      if (r.reverses !== null || reversed.has(r.key)) continue;
      t.totalMinor += r.amountMinor;
      t.purchases += r.purchases;
      if (r.purchases <= 0) continue;
      if (!t.first || r.at < t.first) t.first = r.at;
      if (!t.last || r.at > t.last) t.last = r.at;
    }
    return t;
  }

  /** Entries of these customers, counted (a merge's dry run). */
  countForCustomers(customerIds: readonly string[]): Promise<number> {
    return this.model
      .current()
      .countDocuments({ customerId: { $in: [...customerIds] } })
      .exec();
  }

  /** Up to `limit` entries of these customers, with what a move rewrites. */
  findForCustomers(customerIds: readonly string[], limit: number): Promise<RevenueEntryLean[]> {
    return this.model
      .current()
      .find({ customerId: { $in: [...customerIds] } })
      .limit(limit)
      .lean<RevenueEntryLean[]>()
      .exec();
  }

  /** Re-files one entry (a merge): its customer, and the key it and its reversal are found by. */
  async refile(id: Types.ObjectId, set: Pick<RevenueEntryLean, 'customerId' | 'key' | 'reverses'>): Promise<void> {
    await this.model.current().updateOne({ _id: id }, { $set: set }).exec();
  }

  /** Every entry of a customer (purge). */
  async removeForCustomer(customerId: string): Promise<number> {
    const res = await this.model.current().deleteMany({ customerId }).exec();
    return res.deletedCount;
  }
}
