import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { RECORD_LOCK_MODEL } from './record-lock';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';

interface LeaseRecord {
  _id: string;
  token: string;
  expiresAt: Date;
}

/** A piece of work this instance holds alone until `release` (or until the lease expires). */
export interface Claim {
  readonly key: string;
  release(): Promise<void>;
}

const DUPLICATE_KEY = 11000;
/** Takeovers of one key before giving up: each needs the previous holder's lease to have expired. */
const MAX_GENERATIONS = 32;

/**
 * Try-once claims on units of work (a webhook delivery attempt) in the current tenant, shared by every
 * instance: a lease document inserted into `record_locks` under the key. The insert on the unique
 * `_id` is the one atomic step FerretDB offers, so of two instances claiming one key exactly one wins;
 * the other is told at once (no waiting, unlike RecordLock).
 *
 * A lease left by a dead holder is taken over after it expires, without deleting it: the taker claims
 * the next generation of the key (`key#1`, `key#2`, ...). Deleting the expired lease and inserting a
 * new one would let two takers that both saw it expired each delete the other's fresh lease on
 * FerretDB (whose deletes are not atomic with their filter), and both would go ahead.
 *
 * Work must re-read its state after claiming (the unit may have been finished by the previous holder
 * just before it released), and must finish well within the lease.
 */
@Injectable()
export class LeaseClaims {
  private readonly logger = new Logger(LeaseClaims.name);

  constructor(
    private readonly connections: TenantConnectionRegistry,
    private readonly context: TenantContext,
  ) {}

  /** The claim, or null when another holder's lease on `key` is live. */
  async tryClaim(key: string, leaseMs: number): Promise<Claim | null> {
    const model = this.model();
    const token = randomUUID();
    for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
      const id = `${key}#${generation}`;
      try {
        await rawLeases(model).insertOne({ _id: id, token, expiresAt: new Date(Date.now() + leaseMs) });
        return { key, release: () => this.release(model, key, generation, token) };
      } catch (e) {
        if ((e as { code?: unknown }).code !== DUPLICATE_KEY) throw e;
      }
      const held = await model.findById(id).lean<LeaseRecord>().exec();
      // Released between our insert and this read: the work is done or another claim is coming.
      if (!held) return null;
      if (held.expiresAt.getTime() > Date.now()) return null;
      this.logger.warn({ key, generation }, 'taking over an expired lease');
    }
    return null;
  }

  private async release(model: Model<LeaseRecord>, key: string, generation: number, token: string): Promise<void> {
    try {
      await model.deleteOne({ _id: `${key}#${generation}`, token }).exec();
      // Expired generations before ours: their holders are long gone, and the work has moved on.
      if (generation > 0) {
        const older = Array.from({ length: generation }, (_, g) => `${key}#${g}`);
        await model.deleteMany({ _id: { $in: older } }).exec();
      }
    } catch (err) {
      this.logger.warn({ err, key }, 'lease not released; it expires by itself');
    }
  }

  private model(): Model<LeaseRecord> {
    return this.connections.model<LeaseRecord>(this.context.dbName, RECORD_LOCK_MODEL);
  }
}

/** The driver's insert: a lease is three fields built here, and mongoose's document machinery cost more than the insert. */
function rawLeases(model: Model<LeaseRecord>): Collection<LeaseRecord> {
  return model.collection as unknown as Collection<LeaseRecord>;
}
