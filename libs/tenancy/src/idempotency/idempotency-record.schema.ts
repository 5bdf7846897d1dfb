import { Schema } from 'mongoose';

/** The tenant model name under which a module registers the schema (TenancyModule.forFeature). */
export const IDEMPOTENCY_RECORD = 'IdempotencyRecord';

export enum IdempotencyState {
  PENDING = 'pending',
  DONE = 'done',
}

/** One `Idempotency-Key` use, in the tenant's `idempotency_keys` collection. */
export interface IdempotencyRecord {
  /** sha256 of principal and key: the unique claim, on `_id` because every server enforces that. */
  _id: string;
  key: string;
  principal: string;
  /** Method and path of the first request; the key may not be reused elsewhere. */
  route: string;
  bodyHash: string;
  state: IdempotencyState;
  status: number | null;
  /** The first response body as JSON text (kept as text so no field name is ever a stored key). */
  body: string | null;
  /** Until then a pending claim belongs to the request that made it; later another may take it over. */
  lockedUntil: Date;
  expiresAt: Date;
  createdAt: Date;
}

/**
 * No index is declared on `expiresAt`: FerretDB refuses TTL indexes, and MongoDB refuses a
 * plain and a TTL index on the same key. `IdempotencyStore.ensureTtlIndex` adds the TTL index
 * where the server has them; the sweep and the expiry check on read cover the rest.
 */
export const IdempotencyRecordSchema = new Schema<IdempotencyRecord>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    principal: { type: String, required: true },
    route: { type: String, required: true },
    bodyHash: { type: String, required: true },
    state: { type: String, enum: Object.values(IdempotencyState), required: true },
    status: { type: Number, default: null },
    body: { type: String, default: null },
    lockedUntil: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, strict: 'throw', autoIndex: false },
);
