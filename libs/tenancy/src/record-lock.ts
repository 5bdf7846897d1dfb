import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Model, Schema } from 'mongoose';
import { DomainError, ErrorKind, isDuplicateKeyError } from '@app/common';
import { KeyedLock } from './keyed-lock';
import { withoutDeadline } from './query-deadline';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';
import { driverCollection } from './tenant-model';

interface LockRecord {
  _id: string;
  token: string;
  expiresAt: Date;
}

export const RECORD_LOCK_MODEL = 'RecordLock';

const RecordLockSchema = new Schema<LockRecord>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'record_locks', versionKey: false, autoIndex: false },
);

/** How long a lease is trusted; a holder that crashed stops blocking others after this. */
const LEASE_MS = 15_000;
/**
 * How often a holder renews its lease while its work runs: long work (a customer merge moving thousands of
 * records) keeps the record for as long as it is alive, and a holder that died still stops blocking after
 * LEASE_MS.
 */
export const LEASE_RENEW_MS = LEASE_MS / 3;
/** How long a writer waits for a busy record before giving up with 409. */
const WAIT_MS = 10_000;

/**
 * Serialises read-modify-write work on one record of the current tenant, across every instance.
 *
 * MongoDB applies a conditional update (`{ _id, version }`) atomically, but FerretDB v1 does not:
 * measured here, 50 concurrent compare-and-set updates of one document let up to 22 of them "win",
 * and 100 concurrent `$inc` lose most increments. Its one atomic primitive is a unique-key insert,
 * which MongoDB enforces the same way. So: same-record work is queued in process (free, and all a
 * single instance needs), and a lease document inserted under the record's key in the tenant's
 * `record_locks` collection makes other instances wait too, on every server. Work that already holds
 * a key (a conversion that writes the lead it locked) re-enters without waiting for itself.
 */
@Injectable()
export class RecordLock {
  private readonly logger = new Logger(RecordLock.name);
  private readonly queue = new KeyedLock();
  /** The keys the current async call chain holds. */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(
    private readonly connections: TenantConnectionRegistry,
    private readonly context: TenantContext,
  ) {
    connections.registerSchema(RECORD_LOCK_MODEL, RecordLockSchema);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const dbName = this.context.dbName;
    const full = `${dbName}\u0000${key}`;
    const held = this.held.getStore();
    if (held?.has(full)) return fn();
    const inner = new Set(held ?? []).add(full);
    return this.queue.run(full, () => this.withLease(dbName, key, () => this.held.run(inner, fn)));
  }

  private async withLease<T>(dbName: string, key: string, fn: () => Promise<T>): Promise<T> {
    const model = this.connections.model<LockRecord>(dbName, RECORD_LOCK_MODEL) as Model<LockRecord>;
    const token = randomUUID();
    const deadline = Date.now() + WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await driverCollection(model).insertOne({
          _id: key,
          token,
          expiresAt: new Date(Date.now() + LEASE_MS),
        });
        break;
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
        const held = await model.findById(key).lean<LockRecord>();
        if (held && held.expiresAt.getTime() < Date.now()) {
          this.logger.warn({ key }, 'taking over an expired record lease');
          await model.deleteOne({ _id: key, token: held.token });
          continue;
        }
        if (Date.now() > deadline) {
          throw new DomainError(
            ErrorKind.CONFLICT,
            'record.busy',
            'The record is being changed by another request; retry.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
      }
    }
    const renew = setInterval(() => {
      void withoutDeadline(() =>
        model.updateOne({ _id: key, token }, { $set: { expiresAt: new Date(Date.now() + LEASE_MS) } }).exec(),
      ).catch((err: unknown) => this.logger.warn({ err, key }, 'record lease not renewed'));
    }, LEASE_RENEW_MS);
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      // Released even when the request ran out of time: a lease left behind blocks the record for LEASE_MS.
      await withoutDeadline(() => model.deleteOne({ _id: key, token }).exec()).catch((err: unknown) =>
        this.logger.error({ err, key }, 'record lease not released; it expires by itself'),
      );
    }
  }
}
