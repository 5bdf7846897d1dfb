import { Schema } from 'mongoose';

export const CUSTOMER_COUNTER_MODEL = 'CustomerCounter';

/**
 * One shard of a company's customer counters: `{ total, revenueMinor, status: {…}, source: {…},
 * created: { 'YYYY-MM-DD': n } }`. Each app instance increments its own shard (`<companyId>:<instance>`),
 * one increment at a time, because FerretDB's `$inc` is not atomic under concurrent writers of one
 * document; a company's figures are the sum of its shards (one small read). No index beyond `_id`:
 * a tenant holds companies × instances shards, read by `companyId` in one pass.
 */
export interface CustomerCounterShard {
  _id: string;
  companyId: string;
  [path: string]: unknown;
}

export const CustomerCounterSchema = new Schema<CustomerCounterShard>(
  { _id: { type: String, required: true }, companyId: { type: String, required: true } },
  { collection: 'customer_counters', versionKey: false, strict: false, autoIndex: false },
);
