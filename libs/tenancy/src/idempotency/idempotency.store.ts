import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/common';
import { driverCollection, InjectTenantModel, TenantModel } from '../tenant-model';
import { deleteAllMatching } from '../bulk-write';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';
import { IDEMPOTENCY_RECORD, IdempotencyRecord, IdempotencyState } from './idempotency-record.schema';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Longer than any request may run (REQUEST_TIMEOUT_MS), so a live claim is never taken over. */
const LOCK_MS = 60_000;
/** How long a duplicate waits for the first request to finish before answering 409. */
const WAIT_MS = 8_000;
const POLL_MS = 40;

export interface IdempotencyRequest {
  principal: string;
  key: string;
  route: string;
  bodyHash: string;
}

export type IdempotencyStart =
  { kind: 'proceed'; id: string } | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> };

/**
 * Stores `Idempotency-Key` uses so a retried POST replays its first response. The key is
 * claimed with an insert on `_id` before the handler runs, so of concurrent duplicates exactly
 * one runs; the others wait for its result (or get 409 if it takes too long).
 */
@Injectable()
export class IdempotencyStore {
  private readonly ttlChecked = new Set<string>();

  constructor(@InjectTenantModel(IDEMPOTENCY_RECORD) private readonly records: TenantModel<IdempotencyRecord>) {}

  async begin(req: IdempotencyRequest): Promise<IdempotencyStart> {
    const id = createHash('sha256').update(`${req.principal}\u0000${req.key}`).digest('hex');
    const model = this.records.current();
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const now = new Date();
      let existing = await model.findById(id).lean<IdempotencyRecord>();
      if (existing && existing.expiresAt <= now) {
        // FerretDB has no TTL index: an expired record is treated as absent and removed here.
        await model.deleteOne({ _id: id, expiresAt: existing.expiresAt });
        existing = null;
      }
      if (!existing) {
        if (await this.claim(model, id, req, now)) return { kind: 'proceed', id };
        continue;
      }
      if (existing.route !== req.route || existing.bodyHash !== req.bodyHash) {
        throw new IdempotencyError(
          IdempotencyErrorCode.KEY_REUSED,
          'This Idempotency-Key was already used for a different request; use a new key.',
        );
      }
      if (existing.state === IdempotencyState.DONE && existing.status !== null) {
        return {
          kind: 'replay',
          status: existing.status,
          body: existing.body ? JSON.parse(existing.body) : undefined,
          headers: {},
        };
      }
      if (existing.lockedUntil <= now && (await this.takeOver(model, existing, req, now))) {
        return { kind: 'proceed', id };
      }
      if (Date.now() >= deadline) {
        throw new IdempotencyError(
          IdempotencyErrorCode.IN_PROGRESS,
          'A request with this Idempotency-Key is still being processed; retry shortly.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Keeps the response for replays. */
  async complete(id: string, status: number, body: unknown): Promise<void> {
    await this.records
      .current()
      .updateOne(
        { _id: id },
        { $set: { state: IdempotencyState.DONE, status, body: body === undefined ? null : JSON.stringify(body) } },
      );
  }

  /** The request failed before producing a response worth replaying: the key is free again. */
  async abandon(id: string): Promise<void> {
    await this.records.current().deleteOne({ _id: id, state: IdempotencyState.PENDING });
  }

  /** Deletes expired records of the current tenant (servers without TTL indexes). */
  async sweepExpired(now = new Date()): Promise<number> {
    return deleteAllMatching(driverCollection(this.records.current()), { expiresAt: { $lte: now } });
  }

  /**
   * Adds the TTL index where the server supports one (MongoDB); FerretDB answers "not
   * implemented", which is fine: the sweep does the same work. Tried once per database.
   */
  async ensureTtlIndex(): Promise<boolean> {
    const model = this.records.current();
    const db = model.db.name;
    if (this.ttlChecked.has(db)) return false;
    this.ttlChecked.add(db);
    try {
      await model.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
      return true;
    } catch {
      return false;
    }
  }

  private async claim(
    model: Model<IdempotencyRecord>,
    id: string,
    req: IdempotencyRequest,
    now: Date,
  ): Promise<boolean> {
    try {
      await model.create({
        _id: id,
        key: req.key,
        principal: req.principal,
        route: req.route,
        bodyHash: req.bodyHash,
        state: IdempotencyState.PENDING,
        status: null,
        body: null,
        lockedUntil: new Date(now.getTime() + LOCK_MS),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        createdAt: now,
      });
      return true;
    } catch (e) {
      if (isDuplicateKeyError(e)) return false;
      throw e;
    }
  }

  /**
   * A claim whose request died (crash, lost connection) is taken over by exactly one retry:
   * delete the stale claim, then claim anew with an insert, the one write that is atomic on
   * every server (FerretDB applies conditional updates without isolation).
   */
  private async takeOver(
    model: Model<IdempotencyRecord>,
    stale: IdempotencyRecord,
    req: IdempotencyRequest,
    now: Date,
  ): Promise<boolean> {
    await model.deleteOne({ _id: stale._id, state: IdempotencyState.PENDING, lockedUntil: stale.lockedUntil });
    return this.claim(model, stale._id, req, now);
  }
}
