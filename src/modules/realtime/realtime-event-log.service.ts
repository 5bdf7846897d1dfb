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
    await this.prepare();
    for (let attempt = 1; attempt <= MAX_ALLOCATION_ATTEMPTS; attempt++) {
      try {
        const seq = await this.nextSeq(event.companyId);
        const payload = toRealtimePayload(event, seq);
        await this.events.current().create({
          companyId: event.companyId,
          seq,
          event: event.name,
          payload: JSON.stringify(payload),
          at: new Date(),
        });
        if (seq % this.options.pruneEvery === 0) {
          // The event is logged; a failed prune only delays the bound to the next round.
          await this.prune(event.companyId, seq).catch((e: Error) =>
            this.logger.warn(`Pruning the realtime event log failed: ${e.message}`),
          );
        }
        return payload;
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
      }
    }
    throw new Error(`No free seq for company ${event.companyId} after ${MAX_ALLOCATION_ATTEMPTS} attempts`);
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

  private async nextSeq(companyId: string): Promise<number> {
    const row = await this.counters
      .current()
      .findOneAndUpdate({ _id: companyId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean<RealtimeCounter>();
    if (!row) throw new Error(`Counter upsert for company ${companyId} returned nothing`);
    return row.seq;
  }

  /** Keeps the log bounded: the newest N events per company, none older than the age limit. */
  private async prune(companyId: string, seq: number): Promise<void> {
    const model = this.events.current();
    const cutoff = new Date(Date.now() - this.options.maxEventAgeMs);
    await model.deleteMany({ companyId, seq: { $lte: seq - this.options.maxEventsPerCompany } });
    await model.deleteMany({ at: { $lt: cutoff } });
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
