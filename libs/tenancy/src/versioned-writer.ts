import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { UpdateQuery } from 'mongoose';
import { ClsService } from 'nestjs-cls';
import { diffFields, type FieldDiff, isDuplicateKeyError } from '@app/common';
import { AUDIT_SINK, type AuditSink } from './audit-sink';
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
}

export interface MutateOptions {
  /** From If-Match: the write happens only at this version, else 412. */
  expectedVersion?: number;
  /** Soft-deleted records count as found (restore). */
  includeDeleted?: boolean;
}

const MAX_ATTEMPTS = 8;

/**
 * The one way a versioned record is written, for every module: load it → compute the change → update
 * conditionally on the version read → retry on a lost race (or 412 for a stale If-Match) → audit →
 * domain event. Writes to one record are serialised by RecordLock (FerretDB has no atomic conditional
 * update); the version condition keeps them safe on any server. A change that computes to nothing
 * writes, audits and emits nothing.
 */
@Injectable()
export class VersionedWriter {
  constructor(
    readonly lock: RecordLock,
    readonly events: EventEmitter2,
    @Inject(AUDIT_SINK) readonly audit: AuditSink,
    readonly context: TenantContext,
    readonly cls: ClsService,
  ) {}

  /** The writer of one record type. */
  for<D extends VersionedDoc, R extends VersionedResponse>(type: VersionedRecordType<D, R>): RecordWriter<D, R> {
    return new RecordWriter(this, type);
  }
}

export class RecordWriter<D extends VersionedDoc, R extends VersionedResponse> {
  private readonly logger: Logger;

  constructor(
    private readonly w: VersionedWriter,
    readonly type: VersionedRecordType<D, R>,
  ) {
    this.logger = new Logger(`RecordWriter:${type.entityType}`);
  }

  /** The record if it exists in this tenant and the caller may see it; else the type's not-found error. */
  async load(id: string, opts: { includeDeleted?: boolean } = {}): Promise<D> {
    const doc = await this.type.store.findById(id);
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
    const doc = { ...own, createdAt: at, updatedAt: at, createdBy: actor, updatedBy: actor, version: 1 };
    let created: D;
    try {
      created = await this.type.store.insert(doc);
    } catch (e) {
      throw this.mapped(e);
    }
    const response = this.type.toResponse(created);
    await this.publish(event, null, response, at);
    return response;
  }

  /** Changes a record (see VersionedWriter). Returns the record as it is afterwards. */
  mutate(
    id: string,
    event: string,
    change: (current: D, at: Date) => RecordChange<D> | null,
    opts: MutateOptions = {},
  ): Promise<R> {
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
        if (await deleteIfVersion.call(this.type.store, id, current.version)) {
          const before = this.type.toResponse(current);
          await this.publish(event, before, before, new Date(), {});
          return before;
        }
        await this.backOff(id, attempt);
      }
    });
  }

  /** Audits a write, then emits its domain event. `before` is null for a created record. */
  async publish(
    name: string,
    before: R | null,
    after: R,
    at: Date,
    changes?: Record<string, FieldDiff>,
  ): Promise<void> {
    const diff = changes ?? diffFields({ ...(before ?? {}) }, { ...after }, this.type.notAudited);
    await this.w.audit.record({
      action: name,
      entityType: this.type.entityType,
      entityId: after.id,
      companyId: this.type.companyOf(after),
      changes: diff,
      at,
    });
    const payload = this.type.event({
      name,
      before,
      after,
      changes: diff,
      at,
      actor: this.w.context.actor,
      tenantId: this.w.context.tenantId,
      requestId: this.w.cls.isActive() ? this.w.cls.getId() : undefined,
    });
    try {
      this.w.events.emit(name, payload);
    } catch (err) {
      // A failing listener must not turn a successful write into an error response.
      this.logger.error({ err, event: name, id: after.id }, 'domain event listener failed');
    }
  }

  private async mutateLocked(
    id: string,
    event: string,
    change: (current: D, at: Date) => RecordChange<D> | null,
    opts: MutateOptions,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.load(id, opts);
      this.assertVersion(current, opts.expectedVersion);
      const at = new Date();
      const update = change(current, at);
      if (!update) return this.type.toResponse(current);
      let after: D | null;
      try {
        after = await this.type.store.updateIfVersion(
          id,
          current.version,
          this.toQuery(current, update, at),
          update.guard,
        );
      } catch (e) {
        throw this.mapped(e);
      }
      if (after) {
        const response = this.type.toResponse(after);
        await this.publish(event, this.type.toResponse(current), response, at, update.changes);
        return response;
      }
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
