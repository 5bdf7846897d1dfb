import { Inject, Injectable, Logger } from '@nestjs/common';
import { escapeRegex, isDuplicateKeyError } from '@app/common';
import {
  deleteAllMatching,
  type DomainEvent,
  driverCollection,
  InjectTenantModel,
  TenantContext,
  TenantModel,
} from '@app/tenancy';
import { MissedEvent, RealtimePayload, toRealtimePayload } from './realtime-payload';
import { REALTIME_OPTIONS, RealtimeOptions } from './realtime.options';
import { RealtimeCounter } from './schemas/realtime-counter.schema';
import { RealtimeEvent } from './schemas/realtime-event.schema';

/** Where a subscriber stands in a company's stream. */
export interface StreamPosition {
  seq: number;
  missed?: MissedEvent[];
  resync?: true;
}

type LoggedEvent = Pick<RealtimeEvent, 'seq' | 'event' | 'payload'>;

const MAX_ALLOCATION_ATTEMPTS = 20;
const NOT_IMPLEMENTED = 238;

/**
 * Each company's event stream in the tenant database: a counter hands out `seq`, and a bounded log
 * keeps recent events for catch-up. Runs inside the event's tenant context.
 *
 * The counter's `$inc` is atomic on MongoDB but not on FerretDB v1 (its SQLite backend reads and
 * writes the document without isolation, so concurrent increments can return the same number).
 * The log's unique (companyId, seq) index is therefore the arbiter: a writer whose number is
 * already taken draws another. Within one instance the relay serialises a company's events anyway.
 */
@Injectable()
export class RealtimeEventLog {
  private readonly logger = new Logger(RealtimeEventLog.name);
  /** Tenant databases whose log indexes this process has ensured (older tenants predate them). */
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(
    @InjectTenantModel(RealtimeEvent.name) private readonly events: TenantModel<RealtimeEvent>,
    @InjectTenantModel(RealtimeCounter.name) private readonly counters: TenantModel<RealtimeCounter>,
    private readonly context: TenantContext,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
  ) {}

  /** Gives the event its company's next seq, logs it, and returns the payload to broadcast. */
  async append(event: DomainEvent & { companyId: string }): Promise<RealtimePayload> {
    const [payload] = await this.appendMany([event]);
    return payload;
  }

  /**
   * Gives events of one company the company's next seqs, in their order, and logs them: one counter
   * increment and one insert for all of them (a relay drains a busy company's queue this way). Returns
   * the payloads to broadcast, in the same order.
   */
  async appendMany(events: ReadonlyArray<DomainEvent & { companyId: string }>): Promise<RealtimePayload[]> {
    await this.prepare();
    const companyId = events[0].companyId;
    const payloads: RealtimePayload[] = [];
    let rest = [...events];
    for (let attempt = 1; attempt <= MAX_ALLOCATION_ATTEMPTS; attempt++) {
      const last = await this.nextSeq(companyId, rest.length);
      const first = last - rest.length + 1;
      const at = new Date();
      const rows = rest.map((event, i) => {
        const payload = toRealtimePayload(event, first + i);
        return { companyId, seq: first + i, event: event.name, payload: JSON.stringify(payload), at, sent: payload };
      });
      let landed = rows.length;
      try {
        await driverCollection(this.events.current()).insertMany(
          rows.map(({ sent: _sent, ...row }) => row),
          { ordered: true },
        );
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
        // Another instance drew some of these seqs (see above): keep what is ours, draw again for the rest.
        landed = await this.ownLanded(rows);
      }
      payloads.push(...rows.slice(0, landed).map((r) => r.sent));
      if (rows.slice(0, landed).some((r) => r.seq % this.options.pruneEvery === 0)) {
        // The events are logged; a failed prune only delays the bound to the next round.
        await this.prune(companyId, rows[landed - 1].seq).catch((e: Error) =>
          this.logger.warn(`Pruning the realtime event log failed: ${e.message}`),
        );
      }
      rest = rest.slice(landed);
      if (!rest.length) return payloads;
    }
    throw new Error(`No free seq for company ${companyId} after ${MAX_ALLOCATION_ATTEMPTS} attempts`);
  }

  /**
   * After an ordered insert refused a duplicate seq: how many of `rows` (from the first) are stored as
   * ours. Read back rather than taken from the error, which FerretDB and MongoDB report differently.
   */
  private async ownLanded(rows: ReadonlyArray<{ companyId: string; seq: number; payload: string }>): Promise<number> {
    const stored = await this.events
      .current()
      .find(
        { companyId: rows[0].companyId, seq: { $gte: rows[0].seq, $lte: rows[rows.length - 1].seq } },
        { _id: 0, seq: 1, payload: 1 },
      )
      .lean<Array<{ seq: number; payload: string }>>();
    const bySeq = new Map(stored.map((r) => [r.seq, r.payload]));
    const refused = rows.findIndex((r) => bySeq.get(r.seq) !== r.payload);
    if (refused < 0) return rows.length;
    // Ours past the refusal, had the server gone on (an ordered insert should not): they are drawn again.
    const strays = rows.slice(refused + 1).filter((r) => bySeq.get(r.seq) === r.payload);
    if (strays.length) {
      await this.events.current().deleteMany({ companyId: rows[0].companyId, seq: { $in: strays.map((r) => r.seq) } });
    }
    return refused;
  }

  /**
   * The company's current seq and, given `sinceSeq`, the events after it. Anything that cannot be
   * replayed exactly (pruned, too many, a gap, a seq from the future) answers `resync`.
   */
  async position(companyId: string, sinceSeq?: number): Promise<StreamPosition> {
    const counter = await this.counters.current().findById(companyId).lean<RealtimeCounter>();
    const counted = counter?.seq ?? 0;
    if (sinceSeq === undefined) return { seq: counted };

    const limit = this.options.maxReplay;
    const rows = await this.events
      .current()
      .find({ companyId, seq: { $gt: sinceSeq } }, { _id: 0, seq: 1, event: 1, payload: 1 })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .lean<LoggedEvent[]>();
    // On FerretDB the counter can lag the log (see above), so the log's newest entry counts too.
    const seq = Math.max(counted, rows.at(-1)?.seq ?? 0);
    const contiguous = rows.every((r, i) => r.seq === sinceSeq + 1 + i) && sinceSeq + rows.length === seq;
    if (rows.length > limit || !contiguous) return { seq, resync: true };
    return { seq, missed: rows.map(toMissedEvent) };
  }

  /**
   * Removes from a company's log every event whose payload names the record (a customer's or a
   * lead's events carry its id): their payloads hold its personal data. Subscribers behind them get
   * `resync` instead of a replay with holes. Ids are ObjectIds, but escaped all the same.
   */
  async removeMentions(companyId: string, recordId: string): Promise<number> {
    const res = await this.events
      .current()
      .deleteMany({ companyId, payload: { $regex: `"${escapeRegex(recordId)}"` } });
    return res.deletedCount;
  }

  /** Removes a company's whole stream: its log and its counter (the company is gone). */
  async removeCompany(companyId: string): Promise<number> {
    const deleted = await deleteAllMatching(driverCollection(this.events.current()), { companyId });
    await this.counters.current().deleteOne({ _id: companyId });
    return deleted;
  }

  /** Removes every event logged before `cutoff`, in every company of the tenant (housekeeping). */
  async pruneOlderThan(cutoff: Date): Promise<number> {
    return deleteAllMatching(driverCollection(this.events.current()), { at: { $lt: cutoff } });
  }

  /** Draws `count` seqs of the company: returns the last of them. */
  private async nextSeq(companyId: string, count: number): Promise<number> {
    const row = await this.counters
      .current()
      .findOneAndUpdate({ _id: companyId }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' })
      .lean<RealtimeCounter>();
    if (!row) throw new Error(`Counter upsert for company ${companyId} returned nothing`);
    return row.seq;
  }

  /**
   * Keeps the company's log bounded: its newest N events. Events past the age limit are removed by the
   * hourly housekeeping (RealtimeLogRetentionTask) and, on MongoDB, the TTL index: here they would cost a
   * second delete over every company's log on each prune (on FerretDB a scan holding the database's write
   * lock: half the time of a 1,000-row import went to these deletes).
   */
  private async prune(companyId: string, seq: number): Promise<void> {
    await this.events.current().deleteMany({ companyId, seq: { $lte: seq - this.options.maxEventsPerCompany } });
  }

  private prepare(): Promise<void> {
    const dbName = this.context.dbName;
    let ready = this.prepared.get(dbName);
    if (!ready) {
      ready = this.ensureIndexes().catch((e: unknown) => {
        this.prepared.delete(dbName);
        throw e;
      });
      this.prepared.set(dbName, ready);
    }
    return ready;
  }

  private async ensureIndexes(): Promise<void> {
    const model = this.events.current();
    await model.createIndexes();
    // MongoDB expires old events by itself; FerretDB v1 has no TTL indexes, so there pruning on
    // write is the only bound (it runs on both).
    const expireAfterSeconds = Math.ceil(this.options.maxEventAgeMs / 1000);
    await model.collection.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds }).catch((e: unknown) => {
      if ((e as { code?: number }).code !== NOT_IMPLEMENTED) {
        this.logger.warn(`Could not create the realtime event TTL index: ${(e as Error).message}`);
      }
    });
  }
}

function toMissedEvent(row: LoggedEvent): MissedEvent {
  return { event: row.event, data: JSON.parse(row.payload) as RealtimePayload };
}
