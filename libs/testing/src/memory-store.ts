import { Types, type UpdateQuery } from 'mongoose';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClsService } from 'nestjs-cls';
import { Role } from '@app/common';
import {
  type AuditRecordInput,
  type AuditSink,
  Failpoints,
  type NewRecord,
  type Outbox,
  type RecordLock,
  type Stamped,
  type TenantContext,
  VersionedWriter,
  type VersionedStore,
} from '@app/tenancy';

type Row = Stamped & { _id: unknown };

/**
 * A versioned store in memory, for unit specs of services that write through the shared writer: it
 * applies `$set`, `$inc`, `$min` and `$max` only at the version read, as the real repositories do.
 */
export class MemoryVersionedStore<D extends Row> implements VersionedStore<D> {
  readonly rows = new Map<string, D>();
  /** The next N updates lose their race (another writer got there first). */
  loseRaces = 0;
  /** Thrown by the next insert (e.g. a duplicate key). */
  failNextInsert?: unknown;

  /** `newId` makes the `_id` of a record inserted without one (an ObjectId, as the server would). */
  constructor(private readonly makeId: () => unknown = () => new Types.ObjectId()) {}

  newId(): unknown {
    return this.makeId();
  }

  async findById(id: string): Promise<D | null> {
    const row = this.rows.get(id);
    return row ? clone(row) : null;
  }

  async insert(doc: NewRecord<D> & Stamped): Promise<D> {
    const failure = this.failNextInsert;
    this.failNextInsert = undefined;
    if (failure) throw failure;
    const _id = doc._id ?? this.makeId();
    const id = String(_id);
    if (this.rows.has(id)) throw Object.assign(new Error(`E11000 duplicate key ${id}`), { code: 11000 });
    const row = { ...doc, _id } as unknown as D;
    this.rows.set(id, clone(row));
    return clone(row);
  }

  async updateIfVersion(
    id: string,
    version: number,
    update: UpdateQuery<D>,
    guard: Record<string, unknown> = {},
  ): Promise<D | null> {
    const row = this.rows.get(id);
    if (!row || row.version !== version) return null;
    if (Object.entries(guard).some(([k, v]) => !matches((row as Record<string, unknown>)[k], v))) return null;
    if (this.loseRaces > 0) {
      this.loseRaces--;
      row.version++;
      return null;
    }
    const next = { ...row, ...((update.$set ?? {}) as object) } as Record<string, unknown>;
    for (const [k, v] of Object.entries((update.$inc ?? {}) as Record<string, number>))
      next[k] = Number(next[k] ?? 0) + v;
    for (const [k, v] of Object.entries((update.$min ?? {}) as Record<string, Date>)) {
      if (next[k] === undefined || (next[k] as Date) > v) next[k] = v;
    }
    for (const [k, v] of Object.entries((update.$max ?? {}) as Record<string, Date>)) {
      if (next[k] === undefined || (next[k] as Date) < v) next[k] = v;
    }
    this.rows.set(id, next as D);
    return clone(next as D);
  }

  async deleteIfVersion(id: string, version: number): Promise<boolean> {
    return this.rows.get(id)?.version === version && this.rows.delete(id);
  }
}

/** Equality, or the `$ne` the writers' guards use. */
function matches(value: unknown, condition: unknown): boolean {
  if (condition && typeof condition === 'object' && '$ne' in condition) {
    const ne = (condition as { $ne: unknown }).$ne;
    return Array.isArray(value) ? !value.includes(ne) : value !== ne;
  }
  return value === condition;
}

/** A copy of plain objects and arrays; dates and ids (immutable here) are shared, keeping their class. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

/** What a unit spec needs to run services on the shared writer without a database or a request. */
export interface SpecWriter {
  writer: VersionedWriter;
  context: TenantContext;
  /** Names of the domain events emitted, in order. */
  emitted: string[];
  audited: AuditRecordInput[];
}

/**
 * The real VersionedWriter with an in-process context (`actor` of tenant `acme`), no lock contention,
 * an audit sink and an event bus that record what they get.
 */
export function specWriter(actor = 'u1', roles: Role[] = [Role.MEMBER]): SpecWriter {
  const context = {
    actor,
    tenantId: 'acme',
    principal: { userId: actor, tenantId: 'acme', roles },
  } as unknown as TenantContext;
  const emitted: string[] = [];
  const audited: AuditRecordInput[] = [];
  const events = new EventEmitter2();
  events.onAny((name) => emitted.push(name as string));
  const sink: AuditSink = { record: async (input) => void audited.push(input) };
  const lock = { run: <T>(_key: string, fn: () => Promise<T>) => fn() } as unknown as RecordLock;
  const cls = { isActive: () => false } as unknown as ClsService;
  return {
    writer: new VersionedWriter(lock, events, sink, context, cls, noDurableConsumers(), new Failpoints()),
    context,
    emitted,
    audited,
  };
}

/** The outbox of an application without durable consumers (no webhooks): it records nothing. */
export function noDurableConsumers(): Outbox {
  const nothing = async () => undefined;
  return {
    registerRecordType: () => undefined,
    prepare: async () => null,
    committed: nothing,
    abandon: nothing,
    confirmUpTo: nothing,
    appendCommitted: nothing,
  } as unknown as Outbox;
}
