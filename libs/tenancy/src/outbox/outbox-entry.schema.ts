import { Schema } from 'mongoose';

export const OUTBOX_MODEL = 'OutboxEntry';

export enum OutboxState {
  /** Written before the record write; that write may or may not have landed. */
  PENDING = 'pending',
  /** The write is known to have landed; the event only waits for its consumers. */
  READY = 'ready',
}

/**
 * One domain event on its way to durable consumers (webhooks), in the tenant's `outbox`
 * collection. Entries live only until their consumers took them, so the collection stays as small
 * as the work in flight (a scan of it is cheap even where indexes are not used, as on FerretDB).
 */
export interface OutboxEntry {
  /**
   * `<entityType>:<entityId>:<version>`: the version the write produces (for a removal, the one
   * after the last). Two writes can never both land at one version of one record, so a second
   * entry under the same key proves the first one's write did not land (see Outbox).
   */
  _id: string;
  /** This write attempt's event id (ObjectId hex): the id receivers see, stable across retries. */
  eventId: string;
  state: OutboxState;
  entityType: string;
  entityId: string;
  version: number;
  /** The write removes the record (its landing shows as the record being gone). */
  removal: boolean;
  name: string;
  tenantId: string;
  companyId: string | null;
  actor: string;
  at: Date;
  requestId: string | null;
  /** `DomainEvent.payload()` as JSON text, computed from the change before the write. */
  payload: string;
  createdAt: Date;
}

export const OutboxEntrySchema = new Schema<OutboxEntry>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    state: { type: String, enum: Object.values(OutboxState), required: true },
    entityType: { type: String, required: true },
    entityId: { type: String, required: true },
    version: { type: Number, required: true },
    removal: { type: Boolean, required: true },
    name: { type: String, required: true },
    tenantId: { type: String, required: true },
    companyId: { type: String, default: null },
    actor: { type: String, required: true },
    at: { type: Date, required: true },
    requestId: { type: String, default: null },
    payload: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'outbox', versionKey: false, autoIndex: false, strict: 'throw' },
);
