import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/common';
import { RECORD_LOCK_MODEL } from './record-lock';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';
import { driverCollection } from './tenant-model';

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

/** Claims taken together (`tryClaimMany`): the keys won, released together. */
export interface ClaimBatch {
  readonly keys: ReadonlySet<string>;
  release(): Promise<void>;
}

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
        await driverCollection(model).insertOne({ _id: id, token, expiresAt: new Date(Date.now() + leaseMs) });
        return { key, release: () => this.release(model, key, generation, token) };
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
      }
      const held = await model.findById(id).lean<LeaseRecord>().exec();
      // Released between our insert and this read: the work is done or another claim is coming.
      if (!held) return null;
      if (held.expiresAt.getTime() > Date.now()) return null;
      this.logger.warn({ key, generation }, 'taking over an expired lease');
    }
    return null;
  }

  /**
   * `tryClaim` for many keys with one round trip for the common case: one unordered insert of every
   * key's first-generation lease (each insert is its own atomic step on the unique `_id`, so each key
   * is still won by exactly one claimer). Keys found taken go through `tryClaim`, which takes over
   * expired leases. The won leases are released with one delete.
   */
  async tryClaimMany(keys: readonly string[], leaseMs: number): Promise<ClaimBatch> {
    const model = this.model();
    const token = randomUUID();
    const expiresAt = new Date(Date.now() + leaseMs);
    const taken = new Set<number>();
    if (keys.length) {
      try {
        await driverCollection(model).insertMany(
          keys.map((key) => ({ _id: `${key}#0`, token, expiresAt })),
          { ordered: false },
        );
      } catch (e) {
        const errors = (e as { writeErrors?: unknown }).writeErrors;
        const list = (Array.isArray(errors) ? errors : errors ? [errors] : []) as Array<{
          index: number;
          code: number;
        }>;
        if (!list.length || !list.every(isDuplicateKeyError)) throw e;
        for (const w of list) taken.add(w.index);
      }
    }
    const batchIds = keys.filter((_, i) => !taken.has(i)).map((key) => `${key}#0`);
    const won = new Set(keys.filter((_, i) => !taken.has(i)));
    const single: Claim[] = [];
    for (const i of taken) {
      const claim = await this.tryClaim(keys[i], leaseMs);
      if (!claim) continue;
      single.push(claim);
      won.add(keys[i]);
    }
    return {
      keys: won,
      release: async () => {
        try {
          if (batchIds.length) await driverCollection(model).deleteMany({ _id: { $in: batchIds }, token });
        } catch (err) {
          this.logger.warn({ err, count: batchIds.length }, 'leases not released; they expire by themselves');
        }
        for (const claim of single) await claim.release();
      },
    };
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
