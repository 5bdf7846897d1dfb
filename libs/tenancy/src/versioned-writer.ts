import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Types, type UpdateQuery } from 'mongoose';
import { ClsService } from 'nestjs-cls';
import { diffFields, type FieldDiff, isDuplicateKeyError } from '@app/common';
import { AUDIT_SINK, type AuditSink } from './audit-sink';
import { DomainEvent } from './domain-event';
import { Failpoints } from './failpoints';
import { Outbox, type OutboxTicket } from './outbox';
import { RecordLock } from './record-lock';
import { TenantContext } from './tenant-context';

/** What every versioned record has in storage. */
export interface VersionedDoc {
  version: number;
}

/** What every versioned record looks like to clients and listeners. */
export interface VersionedResponse {
  id: string;
}

/** Fields the writer stamps on every create and change. */
export interface Stamped {
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
  version: number;
}

/** A record as a module creates it: without id (the store may make one) and the writer's stamps. */
export type NewRecord<D> = Omit<D, keyof Stamped | '_id'> & { _id?: unknown };

/** One change to a record, computed from its current state; null from a change function writes nothing. */
export interface RecordChange<D> {
  set?: Partial<D>;
  inc?: Record<string, number>;
  min?: Record<string, Date | number>;
  max?: Record<string, Date | number>;
  /** Conditions the stored record must still meet when the update lands, beside its id and version. */
  guard?: Record<string, unknown>;
  /** Replaces the computed field diff in audit and event (deleted, restored). */
  changes?: Record<string, FieldDiff>;
}

/** The storage a versioned record needs: a repository implements it over its tenant model. */
export interface VersionedStore<D> {
  findById(id: string): Promise<D | null>;
  /** The id of a record created without one (default: a new ObjectId, as the server would make). */
  newId?(): unknown;
  insert(doc: NewRecord<D> & Stamped): Promise<D>;
  /** Applies `update` only if the record is still at `version` (and matches `guard`): the record after, or null. */
  updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<D>,
    guard?: Record<string, unknown>,
  ): Promise<D | null>;
  /** Removes the record only if it is still at `version`. */
  deleteIfVersion?(id: string, version: number): Promise<boolean>;
}

/** A write that happened, as audit and the domain event see it. */
export interface WrittenChange<R> {
  name: string;
  /** Null for a created record. */
  before: R | null;
  after: R;
  changes: Record<string, FieldDiff>;
  at: Date;
  actor: string;
  tenantId: string;
  requestId?: string;
}

/** How a module's versioned record is stored, shown, audited and announced. */
export interface VersionedRecordType<D extends VersionedDoc, R extends VersionedResponse> {
  /** Audit entity type and record-lock namespace (`customer`). */
  readonly entityType: string;
  readonly store: VersionedStore<D>;
  toResponse(doc: D): R;
  /** The company the record is filed under (audit, events); null for tenant-wide records. */
  companyOf(record: R): string | null;
  /**
   * Whether the caller may see the stored record (soft deletion, the principal's companies claim).
   * A record the caller may not see is "not found", exactly like a missing one.
   */
  visible(doc: D, opts: { includeDeleted: boolean }): boolean;
  notFound(id: string): Error;
  /** 412: the client's If-Match names another version. */
  stale(expected: number, actual: number): Error;
  /** 409: lost the race too often. */
  busy(id: string): Error;
  /** Response fields left out of audit and event diffs (they change on every write). */
  readonly notAudited: readonly string[];
  /** Fields derived from the record after a change (search tokens), added to the same write. */
  derive?(next: D, set: Partial<D>): Partial<D>;
  /** The domain event for a write; emitted after audit, only when the write succeeded. */
  event(change: WrittenChange<R>): object;
  /** The error for a duplicate key of one of the store's unique indexes (default: a generic 409). */
  duplicate?(err: unknown): Error | undefined;
  /**
   * Runs after every write that landed, before audit and event, with the stored record before (null:
   * created) and after (null: removed): where derived data kept beside the records (per-company
   * counters) follows every write path, present and future, without each caller remembering it.
   * A failure is logged, not answered: the write has landed (a recount repairs what it missed).
   */
  afterWrite?(before: D | null, after: D | null): Promise<void>;
}

/** Computes a change from the record as loaded; null writes nothing. */
export type ChangeOf<D> = (current: D, at: Date) => RecordChange<D> | null | Promise<RecordChange<D> | null>;

export interface MutateOptions {
  /** From If-Match: the write happens only at this version, else 412. */
  expectedVersion?: number;
  /** Soft-deleted records count as found (restore). */
  includeDeleted?: boolean;
}

const MAX_ATTEMPTS = 8;

/** Failpoints of the writer (see Failpoints): where a test can make a write stop as if the process died. */
export enum WriterFailpoint {
  /** The outbox entry is written; the record is not. */
  BEFORE_RECORD_WRITE = 'writer.before-record-write',
  /** The record write landed; nothing after it (audit, outbox hand-off, event) has run. */
  AFTER_RECORD_WRITE = 'writer.after-record-write',
}

/** Store errors that prove the write did not land (anything else may have landed: recovery decides). */
function refusedByStore(e: unknown): boolean {
  const err = e as { name?: unknown };
  return isDuplicateKeyError(e) || ['ValidationError', 'StrictModeError', 'CastError'].includes(String(err.name));
}

/**
 * The one way a versioned record is written, for every module: load it → compute the change → update
 * conditionally on the version read → retry on a lost race (or 412 for a stale If-Match) → audit →
 * domain event. Writes to one record are serialised by RecordLock (FerretDB has no atomic conditional
 * update); the version condition keeps them safe on any server. A change that computes to nothing
 * writes, audits and emits nothing.
 *
 * Every write is announced durably too: before the record write, the event it will announce (computed
 * from the loaded record and the change) goes into the tenant's outbox under the version the write
 * produces, so an event whose write landed reaches durable consumers (webhooks) even if the process
 * dies right after the write (see Outbox for why this is sound without transactions).
 */
@Injectable()
export class VersionedWriter {
  constructor(
    readonly lock: RecordLock,
    readonly events: EventEmitter2,
    @Inject(AUDIT_SINK) readonly audit: AuditSink,
    readonly context: TenantContext,
    readonly cls: ClsService,
    readonly outbox: Outbox,
    readonly failpoints: Failpoints,
  ) {}

  /** The writer of one record type. */
  for<D extends VersionedDoc, R extends VersionedResponse>(type: VersionedRecordType<D, R>): RecordWriter<D, R> {
    this.outbox.registerRecordType(type.entityType, async (id) => (await type.store.findById(id))?.version ?? null);
    return new RecordWriter(this, type);
  }
}

export class RecordWriter<D extends VersionedDoc, R extends VersionedResponse> {
  private readonly logger: Logger;
  /** Reads of `loadShared` on their way, per tenant database and record. */
  private readonly sharedReads = new Map<string, Promise<D | null>>();

  constructor(
    private readonly w: VersionedWriter,
    readonly type: VersionedRecordType<D, R>,
  ) {
    this.logger = new Logger(`RecordWriter:${type.entityType}`);
  }

  /** The record if it exists in this tenant and the caller may see it; else the type's not-found error. */
  async load(id: string, opts: { includeDeleted?: boolean } = {}): Promise<D> {
    return this.visibleOr404(id, await this.type.store.findById(id), opts);
  }

  /**
   * As `load`, for a check that the record exists and is visible (a customer's company before the
   * customer is filed under it): a read of the same record already on its way answers this caller too,
   * so an import's rows check their company in one query, not one each. Never the read a change is
   * computed from (that one must start after the record lock is held: `mutate`). The record returned is
   * shared between its callers: read it, do not change it.
   */
  async loadShared(id: string, opts: { includeDeleted?: boolean } = {}): Promise<D> {
    const key = `${this.w.context.dbName}\u0000${id}`;
    let read = this.sharedReads.get(key);
    if (!read) {
      read = this.type.store.findById(id).finally(() => this.sharedReads.delete(key));
      this.sharedReads.set(key, read);
    }
    return this.visibleOr404(id, await read, opts);
  }

  private visibleOr404(id: string, doc: D | null, opts: { includeDeleted?: boolean }): D {
    if (!doc || !this.type.visible(doc, { includeDeleted: opts.includeDeleted ?? false })) {
      throw this.type.notFound(id);
    }
    return doc;
  }

  /**
   * Inserts a new record (stamped at version 1), then audits and announces it. `fields` may be built
   * from the write's own time and actor, so a record's history can start at its createdAt.
   */
  async create(fields: NewRecord<D> | ((at: Date, actor: string) => NewRecord<D>), event: string): Promise<R> {
    const at = new Date();
    const actor = this.w.context.actor;
    const own = typeof fields === 'function' ? fields(at, actor) : fields;
    // The id is known before the insert, so the outbox entry can name the record it announces.
    const doc = {
      ...own,
      _id: own._id ?? this.type.store.newId?.() ?? new Types.ObjectId(),
      createdAt: at,
      updatedAt: at,
      createdBy: actor,
      updatedBy: actor,
      version: 1,
    };
    const ticket = await this.prepare(event, null, () => this.type.toResponse(doc as unknown as D), at, 1, false);
    let created: D;
    try {
      this.w.failpoints.check(WriterFailpoint.BEFORE_RECORD_WRITE);
      created = await this.type.store.insert(doc);
    } catch (e) {
      if (refusedByStore(e)) await this.w.outbox.abandon(ticket);
      throw this.mapped(e);
    }
    this.w.failpoints.check(WriterFailpoint.AFTER_RECORD_WRITE);
    await this.afterWrite(null, created);
    const response = this.type.toResponse(created);
    await this.publish(event, null, response, at, undefined, ticket);
    return response;
  }

  /**
   * Changes a record (see VersionedWriter). Returns the record as it is afterwards. `change` may read
   * other data (asynchronously): it runs after the record is loaded, so a write computed from data
   * read there lands only if nobody changed the record in between.
   */
  mutate(id: string, event: string, change: ChangeOf<D>, opts: MutateOptions = {}): Promise<R> {
    return this.w.lock.run(`${this.type.entityType}:${id}`, () => this.mutateLocked(id, event, change, opts));
  }

  /**
   * Removes a record for good (a record type without soft deletion), after `check` (which may veto
   * by throwing), at the version read. Audits and announces it.
   */
  remove(id: string, event: string, opts: MutateOptions & { check?: (current: D) => Promise<void> } = {}): Promise<R> {
    return this.w.lock.run(`${this.type.entityType}:${id}`, async () => {
      const deleteIfVersion = this.type.store.deleteIfVersion;
      if (!deleteIfVersion) throw new Error(`${this.type.entityType} records cannot be removed`);
      for (let attempt = 1; ; attempt++) {
        const current = await this.load(id, opts);
        this.assertVersion(current, opts.expectedVersion);
        await opts.check?.(current);
        const before = this.type.toResponse(current);
        const at = new Date();
        // Once the record is gone its version can no longer vouch for its pending entries.
        await this.w.outbox.confirmUpTo(this.type.entityType, id, current.version);
        const ticket = await this.prepare(event, before, () => before, at, current.version + 1, true, {});
        let removed: boolean;
        try {
          this.w.failpoints.check(WriterFailpoint.BEFORE_RECORD_WRITE);
          removed = await deleteIfVersion.call(this.type.store, id, current.version);
        } catch (e) {
          if (refusedByStore(e)) await this.w.outbox.abandon(ticket);
          throw e;
        }
        if (removed) {
          this.w.failpoints.check(WriterFailpoint.AFTER_RECORD_WRITE);
          await this.afterWrite(current, null);
          await this.publish(event, before, before, at, {}, ticket);
          return before;
        }
        await this.w.outbox.abandon(ticket);
        await this.backOff(id, attempt);
      }
    });
  }

  /**
   * Audits a write, hands its event to the outbox, then emits it. `before` is null for a created
   * record. `ticket` is what `prepare` gave the write; a module calling this for a write of its own
   * (without one) gets its event recorded after the fact.
   */
  async publish(
    name: string,
    before: R | null,
    after: R,
    at: Date,
    changes?: Record<string, FieldDiff>,
    ticket?: OutboxTicket | null,
  ): Promise<void> {
    const diff = changes ?? this.diff(before, after);
    await this.w.audit.record({
      action: name,
      entityType: this.type.entityType,
      entityId: after.id,
      companyId: this.type.companyOf(after),
      changes: diff,
      at,
    });
    const payload = this.eventOf(name, before, after, at, diff);
    if (payload instanceof DomainEvent && ticket !== null) {
      try {
        await (ticket ? this.w.outbox.committed(ticket, payload) : this.w.outbox.appendCommitted(payload));
      } catch (err) {
        // The entry (if any) is in the outbox already; recovery takes it from there.
        this.logger.error({ err, event: name, id: after.id }, 'outbox hand-off failed');
      }
    }
    try {
      this.w.events.emit(name, payload);
    } catch (err) {
      // A failing listener must not turn a successful write into an error response.
      this.logger.error({ err, event: name, id: after.id }, 'domain event listener failed');
    }
  }

  /**
   * Writes the outbox entry of a write about to happen: null when no durable consumer wants it,
   * undefined when the record after the write could not be predicted (then the event is recorded
   * after the write, which a crash right after it would lose: a bug in the module's mapper to fix).
   */
  private async prepare(
    name: string,
    before: R | null,
    predict: () => R,
    at: Date,
    version: number,
    removal: boolean,
    changes?: Record<string, FieldDiff>,
  ): Promise<OutboxTicket | null | undefined> {
    let event: object;
    let after: R;
    try {
      after = predict();
      event = this.eventOf(name, before, after, at, changes ?? this.diff(before, after));
    } catch (err) {
      this.logger.error({ err, event: name }, 'could not predict the record after the write; event not write-ahead');
      return undefined;
    }
    if (!(event instanceof DomainEvent)) return null;
    return this.w.outbox.prepare({ entityType: this.type.entityType, entityId: after.id, version, removal, event });
  }

  private async afterWrite(before: D | null, after: D | null): Promise<void> {
    if (!this.type.afterWrite) return;
    try {
      await this.type.afterWrite(before, after);
    } catch (err) {
      this.logger.error(
        { err, id: String((after ?? before) && ((after ?? before) as { _id?: unknown })._id) },
        'after-write hook failed',
      );
    }
  }

  private diff(before: R | null, after: R): Record<string, FieldDiff> {
    return diffFields({ ...(before ?? {}) }, { ...after }, this.type.notAudited);
  }

  private eventOf(name: string, before: R | null, after: R, at: Date, changes: Record<string, FieldDiff>): object {
    return this.type.event({
      name,
      before,
      after,
      changes,
      at,
      actor: this.w.context.actor,
      tenantId: this.w.context.tenantId,
      requestId: this.w.cls.isActive() ? this.w.cls.getId() : undefined,
    });
  }

  private async mutateLocked(id: string, event: string, change: ChangeOf<D>, opts: MutateOptions): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.load(id, opts);
      this.assertVersion(current, opts.expectedVersion);
      const at = new Date();
      const update = await change(current, at);
      if (!update) return this.type.toResponse(current);
      const query = this.toQuery(current, update, at);
      const before = this.type.toResponse(current);
      const predicted = () => this.type.toResponse(predictAfter(current, query));
      const ticket = await this.prepare(event, before, predicted, at, current.version + 1, false, update.changes);
      let after: D | null;
      try {
        this.w.failpoints.check(WriterFailpoint.BEFORE_RECORD_WRITE);
        after = await this.type.store.updateIfVersion(id, current.version, query, update.guard);
      } catch (e) {
        if (refusedByStore(e)) await this.w.outbox.abandon(ticket);
        throw this.mapped(e);
      }
      if (after) {
        this.w.failpoints.check(WriterFailpoint.AFTER_RECORD_WRITE);
        await this.afterWrite(current, after);
        const response = this.type.toResponse(after);
        await this.publish(event, before, response, at, update.changes, ticket);
        return response;
      }
      await this.w.outbox.abandon(ticket);
      await this.backOff(id, attempt);
    }
  }

  private assertVersion(current: D, expected: number | undefined): void {
    if (expected !== undefined && current.version !== expected) throw this.type.stale(expected, current.version);
  }

  /** Lost a race with a writer outside the lock: back off a little (jittered) and recompute. */
  private async backOff(id: string, attempt: number): Promise<void> {
    if (attempt >= MAX_ATTEMPTS) throw this.type.busy(id);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
  }

  private toQuery(current: D, u: RecordChange<D>, at: Date): UpdateQuery<D> {
    const set: Record<string, unknown> = { ...u.set, updatedAt: at, updatedBy: this.w.context.actor };
    if (u.set && this.type.derive) Object.assign(set, this.type.derive({ ...current, ...u.set }, u.set));
    const query: Record<string, unknown> = { $set: set, $inc: { ...u.inc, version: 1 } };
    if (u.min) query.$min = u.min;
    if (u.max) query.$max = u.max;
    return query as UpdateQuery<D>;
  }

  private mapped(e: unknown): unknown {
    if (!isDuplicateKeyError(e)) return e;
    return this.type.duplicate?.(e) ?? e;
  }
}

/**
 * The record as the update will leave it, computed the way MongoDB applies `$set`, `$inc`, `$min`
 * and `$max` to top-level fields (the only ones the writer produces). The update is conditional on
 * the version `current` was read at, so this is exactly what lands, unless the store adds defaults
 * of its own (the outbox corrects its entry from the stored record then).
 */
export function predictAfter<D extends VersionedDoc>(current: D, query: UpdateQuery<D>): D {
  const next = { ...current } as Record<string, unknown>;
  const q = query as Record<string, Record<string, unknown> | undefined>;
  for (const [k, v] of Object.entries(q.$set ?? {})) next[k] = v;
  for (const [k, v] of Object.entries(q.$inc ?? {})) next[k] = ((next[k] as number | undefined) ?? 0) + (v as number);
  for (const [k, v] of Object.entries(q.$min ?? {})) if (next[k] === undefined || compare(v, next[k]) < 0) next[k] = v;
  for (const [k, v] of Object.entries(q.$max ?? {})) if (next[k] === undefined || compare(v, next[k]) > 0) next[k] = v;
  return next as D;
}

/** BSON order for what `$min`/`$max` compare here: null below numbers below dates. */
function compare(a: unknown, b: unknown): number {
  const rank = (x: unknown) => (x === null ? 0 : typeof x === 'number' ? 1 : x instanceof Date ? 2 : 3);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return 0;
}
