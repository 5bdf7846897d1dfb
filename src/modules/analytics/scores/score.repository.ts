import { Injectable } from '@nestjs/common';
import type { AnyBulkWriteOperation } from 'mongoose';
import { isDuplicateKeyError } from '@app/common';
import {
  deleteAllMatching,
  driverCollection,
  GroupedInserts,
  inWriteChunks,
  InjectTenantModel,
  TenantModel,
} from '@app/tenancy';
import { CustomerScore } from '../schemas/customer-score.schema';

const REMOVE_CHUNK = 500;

/** The only code touching the tenant's `customer_scores` collection. Plain objects out. */
@Injectable()
export class ScoreRepository {
  constructor(@InjectTenantModel(CustomerScore.name) private readonly scores: TenantModel<CustomerScore>) {}

  findById(customerId: string): Promise<CustomerScore | null> {
    return this.scores.current().findOne({ _id: customerId }).lean<CustomerScore>().exec();
  }

  /** Every stored score of a company, from one cursor (a full run compares against them). */
  streamCompany(companyId: string): AsyncIterable<CustomerScore> {
    return this.scores.current().find({ companyId }).lean<CustomerScore>().cursor({ batchSize: 2000 });
  }

  findMany(customerIds: readonly string[]): Promise<CustomerScore[]> {
    if (!customerIds.length) return Promise.resolve([]);
    return this.scores
      .current()
      .find({ _id: { $in: customerIds } })
      .lean<CustomerScore[]>()
      .exec();
  }

  /**
   * Writes each score whole. Scores the caller found not `stored` are inserted, many per command; the
   * others (and any that a concurrent writer stored meanwhile: a duplicate key) are replaced by `_id`.
   * On FerretDB's SQLite handler each replace finds its row by scanning the collection, so a company's
   * first full run replacing 100,000 new scores one by one took hours; inserts do not look.
   */
  async save(docs: readonly CustomerScore[], stored: ReadonlySet<string> = new Set()): Promise<void> {
    if (!docs.length) return;
    const model = this.scores.current();
    const fresh = docs.filter((d) => !stored.has(d._id));
    const replace = docs.filter((d) => stored.has(d._id));
    if (fresh.length) {
      const inserts = new GroupedInserts(driverCollection(model));
      const outcomes = await Promise.allSettled(fresh.map((d) => inserts.add(d)));
      outcomes.forEach((o, i) => {
        if (o.status === 'fulfilled') return;
        if (!isDuplicateKeyError(o.reason)) throw o.reason;
        replace.push(fresh[i]);
      });
    }
    const ops: AnyBulkWriteOperation<CustomerScore>[] = replace.map((d) => ({
      replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true },
    }));
    await inWriteChunks(ops, (chunk) => model.bulkWrite(chunk, { ordered: false }));
  }

  /** A company's scores in customer-id order after `afterId`. */
  page(companyIds: readonly string[], afterId: string | null, limit: number): Promise<CustomerScore[]> {
    return this.scores
      .current()
      .find({ companyId: { $in: [...companyIds] }, ...(afterId ? { _id: { $gt: afterId } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<CustomerScore[]>()
      .exec();
  }

  /** Customers per RFM segment (one accumulator per `$group`: FerretDB computes only the first right). */
  async countBySegment(companyIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.scores
      .current()
      .aggregate<{ _id: string; n: number }>([
        { $match: { companyId: { $in: [...companyIds] } } },
        { $group: { _id: '$segment', n: { $sum: 1 } } },
      ])
      .exec();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** Ids of the customers whose scores match, up to `limit` (the caller asks for one more to detect overflow). */
  async idsMatching(
    companyIds: readonly string[] | null,
    segments: readonly string[] | undefined,
    bands: readonly string[] | undefined,
    limit: number,
  ): Promise<string[]> {
    const where: Record<string, unknown> = {};
    if (companyIds) where.companyId = { $in: [...companyIds] };
    if (segments?.length) where.segment = { $in: [...segments] };
    if (bands?.length) where.band = { $in: [...bands] };
    const rows = await this.scores.current().find(where, { _id: 1 }).limit(limit).lean<{ _id: string }[]>().exec();
    return rows.map((r) => r._id);
  }

  /** Removes these customers' scores (a few hundred ids per command: FerretDB walks an `$in` list per row). */
  async removeMany(customerIds: readonly string[]): Promise<void> {
    for (let i = 0; i < customerIds.length; i += REMOVE_CHUNK) {
      await this.scores
        .current()
        .deleteMany({ _id: { $in: customerIds.slice(i, i + REMOVE_CHUNK) } })
        .exec();
    }
  }

  async remove(customerId: string): Promise<void> {
    await this.scores.current().deleteOne({ _id: customerId }).exec();
  }

  async removeForCompany(companyId: string): Promise<void> {
    await deleteAllMatching(driverCollection(this.scores.current()), { companyId });
  }
}
