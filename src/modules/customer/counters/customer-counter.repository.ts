import { Injectable } from '@nestjs/common';
import { InjectTenantModel, TenantModel } from '@app/tenancy';
import { CUSTOMER_COUNTER_MODEL, type CustomerCounterShard } from './customer-counter.schema';
import { addCounts, type Counts } from './customer-counts';

const COUNTED = new Set(['total', 'revenueMinor']);
const NESTED = ['status', 'source', 'created'];

/** Flattens a stored shard into `$inc` paths. */
function countsOfShard(shard: CustomerCounterShard): Counts {
  const counts: Counts = {};
  for (const [k, v] of Object.entries(shard)) {
    if (COUNTED.has(k) && typeof v === 'number') counts[k] = v;
    if (NESTED.includes(k) && v && typeof v === 'object') {
      for (const [sub, n] of Object.entries(v as Record<string, unknown>)) {
        if (typeof n === 'number') counts[`${k}.${sub}`] = n;
      }
    }
  }
  return counts;
}

/** The tenant's `customer_counters` collection (see CustomerCounterShard). */
@Injectable()
export class CustomerCounterRepository {
  constructor(@InjectTenantModel(CUSTOMER_COUNTER_MODEL) private readonly model: TenantModel<CustomerCounterShard>) {}

  /** Adds `delta` to one shard, creating it if needed (a bare `_id` filter: FerretDB pushes it down). */
  async add(companyId: string, shard: string, delta: Counts): Promise<void> {
    await this.model
      .current()
      .updateOne({ _id: `${companyId}:${shard}` }, { $inc: delta, $setOnInsert: { companyId } }, { upsert: true })
      .exec();
  }

  /** The summed counters per company, for these companies (every company when undefined). */
  async byCompany(companyIds?: readonly string[]): Promise<Map<string, Counts>> {
    const filter = companyIds ? { companyId: { $in: [...companyIds] } } : {};
    const shards = await this.model.current().find(filter).lean<CustomerCounterShard[]>().exec();
    const sums = new Map<string, Counts>();
    for (const s of shards) sums.set(s.companyId, addCounts(sums.get(s.companyId) ?? {}, countsOfShard(s)));
    return sums;
  }

  /** Replaces every shard of the company with one holding `counts` (recount). */
  async replace(companyId: string, shard: string, counts: Counts): Promise<void> {
    const Model = this.model.current();
    await Model.deleteMany({ companyId }).exec();
    if (Object.keys(counts).length) await this.add(companyId, shard, counts);
  }
}
