import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type Model, Types } from 'mongoose';
import type { Settings } from '@app/common';
import { DomainEvent } from '../domain-event';
import { Failpoints } from '../failpoints';
import { GroupedInserts, groupFor } from '../grouped-inserts';
import { RecordLock } from '../record-lock';
import { discover } from '../registrations';
import { tenancySettings } from '../tenancy.settings';
import { driverCollection, InjectTenantModel, TenantModel } from '../tenant-model';
import { TenantRunner } from '../tenant-runner';
import { OUTBOX_MODEL, type OutboxEntry, OutboxState } from './outbox-entry.schema';
import { type OutboxConsumer, OutboxConsumerProvider, type OutboxEvent, type OutboxEventHead } from './outbox-consumer';

/** What a write tells the outbox before it happens. */
export interface OutboxWrite {
  entityType: string;
  entityId: string;
  /** The version the write produces; for a removal, the version after the removed one. */
  version: number;
  removal: boolean;
  /** The event the write will announce, computed from the change before the write. */
  event: DomainEvent;
}

/**
 * The outbox's answer to `prepare`: null when no durable consumer wants the event (nothing was
 * written); otherwise the entry written ahead of the record write, or, when a landed write of another
 * attempt already holds the key, no entry (the event is then appended after the write, if it lands).
 */
export interface OutboxTicket {
  entry: OutboxEntry | null;
}

/** Failpoints of the outbox (see Failpoints): where a test can make the work stop as if killed. */
export enum OutboxFailpoint {
  /** The consumers took the event; the entry is not yet removed. */
  AFTER_CONSUME = 'outbox.after-consume',
}

const DUPLICATE_KEY = 11000;
const RECOVERY_BATCH = 200;
const COLLISION_ATTEMPTS = 4;

/**
 * A durable outbox for domain events, without transactions (FerretDB has none, and its conditional
 * updates are not atomic: only a unique-key insert is).
 *
 * Write-ahead: the versioned writer calls `prepare` BEFORE it writes the record. That inserts a
 * `pending` entry under `<entity>:<id>:<version the write produces>` holding the event exactly as
 * it will be announced (the payload is computed from the loaded record and the change). After the
 * record write landed, `committed` hands the entry to the consumers in this process and removes
 * it. If the process dies anywhere in between, the entry stays behind, and `recover` (run by any
 * instance for stale entries) decides under the record's lock whether the write landed:
 *
 * - the record is at that version or later (a removal: the record is gone) → it landed: the entry
 *   goes to the consumers;
 * - otherwise → it did not land (the process died before or during the write): the entry is dropped.
 *
 * Why the version proves it: writes of one record are serialised by RecordLock and conditional on
 * the version they read, so exactly one write can produce version v, and every writer of v first
 * claims the key `<id>:v`. A writer that finds the key taken holds the record's lock and has just
 * read version v-1, so the entry there belongs to a write that never landed: it replaces it. Hence
 * whenever the record shows version v, the entry under `<id>:v` is the one of the write that
 * produced it. A removal confirms the record's older pending entries before it deletes the record,
 * since afterwards there is no version left to compare with.
 *
 * Consumers must be idempotent: after a crash between `consume` and the entry's removal, the entry
 * is consumed again. Only events some consumer `wants` are written at all, so a tenant without
 * webhooks pays nothing.
 */
@Injectable()
export class Outbox implements OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private consumers?: OutboxConsumer[];
  private readonly versions = new Map<string, (id: string) => Promise<number | null>>();
  private readonly handoffs = new Set<Promise<void>>();
  /** Consumed entries waiting for removal, per tenant database (see ConsumedRemovals). */
  private readonly removals = new Map<string, ConsumedRemovals>();
  /** Entries being written, per tenant database: concurrent writers' entries go in one insert. */
  private readonly inserts = new Map<string, GroupedInserts<OutboxEntry>>();
  private readonly recoverAfterMs: number;
  /** Entries whose predicted payload had to be corrected after the write (each costs one more update). */
  corrections = 0;

  constructor(
    @InjectTenantModel(OUTBOX_MODEL) private readonly entries: TenantModel<OutboxEntry>,
    private readonly discovery: DiscoveryService,
    private readonly lock: RecordLock,
    private readonly runner: TenantRunner,
    private readonly failpoints: Failpoints,
    @Inject(tenancySettings.KEY) settings: Settings<typeof tenancySettings>,
  ) {
    this.recoverAfterMs = settings.OUTBOX_RECOVER_AFTER_MS;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** How recovery reads a record's version (null: the record does not exist). One per entity type. */
  registerRecordType(entityType: string, versionOf: (id: string) => Promise<number | null>): void {
    this.versions.set(entityType, versionOf);
  }

  /** Before a record write: records the event it will announce, if a durable consumer wants it. */
  async prepare(write: OutboxWrite): Promise<OutboxTicket | null> {
    if (!(await this.wanted(write.event))) return null;
    const entry = this.entryFor(write);
    const model = this.entries.current();
    for (let attempt = 1; attempt <= COLLISION_ATTEMPTS; attempt++) {
      try {
        // The driver's insert: the entry is built complete here (entryFor), and a mongoose document's
        // construction and validation were a measurable part of the outbox's price on every write.
        // Concurrent writers' entries share one insert; each still waits for its own to be stored
        // before its record write, so the write-ahead guarantee is the same as a single insert's.
        await this.insert(model, entry);
        return { entry };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      // Re-entrant: a mutation already holds this lock; a create takes it only here, on a collision.
      const outcome = await this.lock.run(lockKey(entry), () => this.settleCollision(entry));
      if (outcome === 'replaced') return { entry };
      if (outcome === 'landed') return { entry: null };
    }
    throw new Error(`outbox entry ${entry._id} kept colliding`);
  }

  /**
   * After the record write landed. `event` is the event as announced from the stored record; if it
   * differs from the prediction (a default the store applied), the entry is corrected first.
   */
  async committed(ticket: OutboxTicket, event: DomainEvent): Promise<void> {
    if (!ticket.entry) return this.appendCommitted(event);
    let entry = ticket.entry;
    const payload = JSON.stringify(event.payload());
    if (payload !== entry.payload || event.companyId !== entry.companyId) {
      this.corrections++;
      this.logger.debug({ entry: entry._id }, 'outbox prediction differed from the stored record; corrected');
      entry = { ...entry, payload, companyId: event.companyId };
      await this.entries
        .current()
        .updateOne({ _id: entry._id, eventId: entry.eventId }, { $set: { payload, companyId: event.companyId } })
        .exec();
    }
    this.handOff(entry);
  }

  /** The write did not land (refused by the store): its entry must not be delivered. */
  async abandon(ticket: OutboxTicket | null | undefined): Promise<void> {
    if (!ticket?.entry) return;
    const { _id, eventId } = ticket.entry;
    await this.entries
      .current()
      .deleteOne({ _id, eventId })
      .exec()
      .catch((err: unknown) => this.logger.warn({ err, entry: _id }, 'abandoned outbox entry left for recovery'));
  }

  /**
   * Before a removal, with the record's lock held: its pending entries up to `version` belong to
   * writes that landed (the record is at `version`), which the record's absence could not show later.
   */
  async confirmUpTo(entityType: string, entityId: string, version: number): Promise<void> {
    await this.entries
      .current()
      .updateMany(
        { entityType, entityId, state: OutboxState.PENDING, version: { $lte: version } },
        { $set: { state: OutboxState.READY } },
      )
      .exec();
  }

  /**
   * An event announced without the versioned writer (its module wrote by other means): recorded after
   * the fact, so it reaches durable consumers, though not across a crash right after that write.
   */
  async appendCommitted(event: DomainEvent): Promise<void> {
    if (!(await this.wanted(event))) return;
    const eventId = new Types.ObjectId().toHexString();
    const entry = this.entryFor({ entityType: 'event', entityId: eventId, version: 0, removal: false, event });
    entry.state = OutboxState.READY;
    await driverCollection(this.entries.current()).insertOne(entry);
    this.handOff(entry);
  }

  /**
   * Settles the current tenant's entries older than OUTBOX_RECOVER_AFTER_MS (their writer died or is
   * gone): ready ones go to the consumers; pending ones are judged under the record's lock. Returns
   * how many events were delivered to the consumers.
   */
  async recover(now = new Date()): Promise<number> {
    const model = this.entries.current();
    const stale = await model
      .find({ createdAt: { $lte: new Date(now.getTime() - this.recoverAfterMs) } })
      .sort({ createdAt: 1 })
      .limit(RECOVERY_BATCH)
      .lean<OutboxEntry[]>()
      .exec();
    let delivered = 0;
    for (const row of stale) {
      const landed = row.state === OutboxState.READY ? row : await this.judge(row);
      if (!landed) continue;
      await this.deliver(landed);
      delivered++;
    }
    return delivered;
  }

  /** Waits for the hand-offs this process started (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.handoffs.size) await Promise.allSettled([...this.handoffs]);
  }

  private async judge(row: OutboxEntry): Promise<OutboxEntry | null> {
    try {
      return await this.lock.run(lockKey(row), async () => {
        const model = this.entries.current();
        const current = await model.findById(row._id).lean<OutboxEntry>().exec();
        if (!current || current.eventId !== row.eventId) return null;
        if (current.state === OutboxState.READY) return current;
        const landed = await this.landed(current);
        if (landed === undefined) {
          this.logger.warn({ entry: current._id }, 'outbox entry of an unknown record type left alone');
          return null;
        }
        if (landed) return current;
        await model.deleteOne({ _id: current._id, eventId: current.eventId }).exec();
        return null;
      });
    } catch (err) {
      // Busy record (its writer is still at work): judged on a later round.
      this.logger.debug({ err, entry: row._id }, 'outbox entry not judged this round');
      return null;
    }
  }

  /** Whether the entry's write landed; undefined when its record type is unknown here. */
  private async landed(entry: OutboxEntry): Promise<boolean | undefined> {
    const versionOf = this.versions.get(entry.entityType);
    if (!versionOf) return undefined;
    const version = await versionOf(entry.entityId);
    return entry.removal ? version === null : version !== null && version >= entry.version;
  }

  private async settleCollision(mine: OutboxEntry): Promise<'replaced' | 'landed' | 'gone'> {
    const model = this.entries.current();
    const existing = await model.findById(mine._id).lean<OutboxEntry>().exec();
    if (!existing) return 'gone';
    if (existing.state === OutboxState.READY || (await this.landed(existing))) {
      // That write landed, so this one cannot (its insert meets the record's unique id).
      if (existing.state === OutboxState.PENDING) {
        await model
          .updateOne({ _id: existing._id, eventId: existing.eventId }, { $set: { state: OutboxState.READY } })
          .exec();
      }
      return 'landed';
    }
    const res = await model.replaceOne({ _id: mine._id, eventId: existing.eventId }, mine).exec();
    return res.matchedCount === 1 ? 'replaced' : 'gone';
  }

  private handOff(entry: OutboxEntry): void {
    const done = this.runner
      .runInTenant(entry.tenantId, () => this.deliver(entry))
      .catch((err: unknown) =>
        this.logger.error({ err, entry: entry._id }, 'outbox hand-off failed; left for recovery'),
      )
      .finally(() => this.handoffs.delete(done));
    this.handoffs.add(done);
  }

  /** Gives a landed event to every consumer, then removes the entry. Runs in the entry's tenant. */
  private async deliver(entry: OutboxEntry): Promise<void> {
    const event = toOutboxEvent(entry);
    for (const consumer of this.all()) await consumer.consume(event);
    this.failpoints.check(OutboxFailpoint.AFTER_CONSUME);
    await this.remove(entry);
  }

  /** Stores a new entry, together with the others of its tenant written meanwhile. */
  private insert(model: Model<OutboxEntry>, entry: OutboxEntry): Promise<void> {
    return groupFor(this.inserts, model.db.name, (idle) => new GroupedInserts(driverCollection(model), idle)).add(
      entry,
    );
  }

  /** Removes a consumed entry, together with the others of its tenant consumed meanwhile. */
  private remove(entry: OutboxEntry): Promise<void> {
    const model = this.entries.current();
    return groupFor(this.removals, model.db.name, (idle) => new ConsumedRemovals(model, idle)).add(entry);
  }

  private async wanted(event: DomainEvent): Promise<boolean> {
    const consumers = this.all();
    if (!consumers.length) return false;
    const head: OutboxEventHead = { name: event.name, tenantId: event.tenantId, companyId: event.companyId };
    for (const consumer of consumers) if (await consumer.wants(head)) return true;
    return false;
  }

  private all(): OutboxConsumer[] {
    this.consumers ??= discover<OutboxConsumer>(this.discovery, OutboxConsumerProvider);
    return this.consumers;
  }

  private entryFor(w: OutboxWrite): OutboxEntry {
    const e = w.event;
    return {
      _id: `${w.entityType}:${w.entityId}:${w.version}`,
      eventId: w.entityType === 'event' ? w.entityId : new Types.ObjectId().toHexString(),
      state: OutboxState.PENDING,
      entityType: w.entityType,
      entityId: w.entityId,
      version: w.version,
      removal: w.removal,
      name: e.name,
      tenantId: e.tenantId,
      companyId: e.companyId,
      actor: e.actor,
      at: e.at,
      requestId: e.requestId ?? null,
      payload: JSON.stringify(e.payload()),
      createdAt: new Date(),
    };
  }
}

/**
 * Group removal of consumed entries: while one delete of a tenant's entries is on its way, the entries
 * consumed meanwhile wait and go together in the next one. A lone event is removed at once; under load
 * one round trip clears many. An entry consumed but not yet removed when the process dies is consumed
 * again by recovery, which consumers take (they are idempotent), as after a crash right after `consume`.
 */
class ConsumedRemovals {
  private next: RemovalBatch | null = null;
  private running = false;

  constructor(
    private readonly model: Model<OutboxEntry>,
    private readonly idle: () => void,
  ) {}

  add(entry: OutboxEntry): Promise<void> {
    this.next ??= new RemovalBatch();
    this.next.ids.push(entry._id);
    this.next.eventIds.push(entry.eventId);
    const { done } = this.next;
    if (!this.running) void this.flush();
    return done;
  }

  private async flush(): Promise<void> {
    this.running = true;
    try {
      while (this.next) {
        const batch = this.next;
        this.next = null;
        try {
          // Each id is unique, and so is each eventId: an entry replaced by a later attempt has another.
          await driverCollection(this.model).deleteMany({ _id: { $in: batch.ids }, eventId: { $in: batch.eventIds } });
          batch.settle();
        } catch (err) {
          batch.settle(err);
        }
      }
    } finally {
      this.running = false;
      this.idle();
    }
  }
}

/** The entries of one group delete, and the promise their consumers wait on. */
class RemovalBatch {
  readonly ids: string[] = [];
  readonly eventIds: string[] = [];
  readonly done: Promise<void>;
  settle!: (err?: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err as Error) : resolve());
    });
  }
}

function lockKey(entry: Pick<OutboxEntry, 'entityType' | 'entityId'>): string {
  return `${entry.entityType}:${entry.entityId}`;
}

function toOutboxEvent(entry: OutboxEntry): OutboxEvent {
  return {
    id: entry.eventId,
    name: entry.name,
    tenantId: entry.tenantId,
    companyId: entry.companyId,
    entityType: entry.entityType === 'event' ? null : entry.entityType,
    entityId: entry.entityType === 'event' ? null : entry.entityId,
    actor: entry.actor,
    at: entry.at,
    requestId: entry.requestId,
    payload: JSON.parse(entry.payload) as Record<string, unknown>,
  };
}

function isDuplicateKey(e: unknown): boolean {
  return (e as { code?: unknown }).code === DUPLICATE_KEY;
}
