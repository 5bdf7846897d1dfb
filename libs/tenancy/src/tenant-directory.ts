import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Model, Schema } from 'mongoose';
import { escapeRegex, type Settings } from '@app/common';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantRecord, TenantStatus } from './tenant-record';
import { tenancySettings } from './tenancy.settings';

const TenantRecordSchema = new Schema<TenantRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    dbName: { type: String, required: true },
    status: { type: String, enum: Object.values(TenantStatus), required: true },
    uid: { type: String },
    migrations: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
    indexSetHash: { type: String },
    indexesAppliedAt: { type: Date },
  },
  { collection: 'tenants', versionKey: false, autoIndex: false, strict: 'throw' },
);

TenantRecordSchema.index({ updatedAt: 1 });
// Two tenants can never share a database, even if TENANT_DB_PREFIX changed between their creation.
TenantRecordSchema.index({ dbName: 1 }, { unique: true });

/** A removed tenant, kept for a while so that other instances' syncs learn of the removal. */
interface TenantRemoval {
  _id: string;
  removedAt: Date;
}

const TenantRemovalSchema = new Schema<TenantRemoval>(
  { _id: { type: String, required: true }, removedAt: { type: Date, required: true } },
  { collection: 'tenant_removals', versionKey: false, autoIndex: false, strict: 'throw' },
);
TenantRemovalSchema.index({ removedAt: 1 });

/**
 * Changes are read back from this far before the previous sync began, so a write whose
 * `updatedAt` came from a clock up to this much behind ours, or that took this long to land, is
 * still seen. Instances' clocks must agree within it.
 */
const REGISTRY_SYNC_OVERLAP_MS = 30_000;
/** Removals are remembered this long; an instance out of touch for longer drops its cache. */
const REMOVAL_RETENTION_MS = 24 * 3600_000;

interface CacheEntry {
  value: TenantRecord | null;
  /** When the registry read behind `value` began. */
  readAt: number;
}

/**
 * The tenant registry in the control database, with an in-process cache in front of it so that
 * resolving a request's tenant is a map lookup, not a registry query.
 *
 * The cache is kept current by one sync every TTL/2 that reads only what changed in the registry
 * since the previous sync (records by `updatedAt`, removals from `tenant_removals`), whatever the
 * number of tenants: a per-entry TTL would re-read every active tenant once per TTL, which with
 * many tenants is a steady stream of registry reads competing with the requests. Changes made
 * through this instance drop the entry at once; others see them at their next sync. An entry is
 * served only while it or the last successful sync is younger than the TTL, so staleness stays
 * bounded by the TTL when the registry cannot be read.
 */
@Injectable()
export class TenantDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TenantDirectory.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<TenantRecord | null>>();
  /** Bumped by invalidate(), so a read that started before a change never caches the old value. */
  private generation = 0;
  /** Slugs changed here while a sync was reading: what it read of them may predate the change. */
  private readonly changedDuringSync = new Set<string>();
  private readonly ttlMs: number;
  private readonly prefix: string;
  private readonly registryDb: string;
  /** Start of the last successful sync: the cache holds every change made before it. */
  private syncedAt = Date.now();
  private syncTimer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private indexesEnsured = false;

  constructor(
    private readonly connections: TenantConnectionRegistry,
    @Inject(tenancySettings.KEY) config: Settings<typeof tenancySettings>,
  ) {
    this.ttlMs = config.TENANT_CACHE_TTL_MS;
    this.prefix = config.TENANT_DB_PREFIX;
    this.registryDb = config.MONGODB_REGISTRY_DB;
  }

  onApplicationBootstrap(): void {
    if (this.ttlMs <= 0) return;
    this.syncTimer = setInterval(() => void this.sync(), Math.max(this.ttlMs / 2, 50));
    this.syncTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.syncTimer);
    this.syncTimer = undefined;
    await this.syncing;
  }

  dbNameFor(slug: string): string {
    return `${this.prefix}${slug}`;
  }

  /** The control database holding the registry: no tenant may have it. */
  get registryDatabase(): string {
    return this.registryDb;
  }

  /** The tenant behind a token's `tid`, from the cache while it is fresh. */
  async resolve(slug: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(slug);
    if (hit && Date.now() - Math.max(hit.readAt, this.syncedAt) < this.ttlMs) return hit.value;
    return this.load(slug);
  }

  /**
   * Brings the cached entries up to date with the registry: one query for the records changed
   * since the previous sync and one for the removals, however many tenants there are. Runs on a
   * timer; never throws (a failed sync leaves entries to age out at their TTL).
   */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce()
      .catch((e: Error) => this.logger.warn({ err: e.message }, 'tenant registry sync failed'))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const startedAt = Date.now();
    this.changedDuringSync.clear();
    const since = new Date(this.syncedAt - REGISTRY_SYNC_OVERLAP_MS);
    await this.ensureRegistryIndexes();
    const [changed, removed] = await Promise.all([
      this.model()
        .find({ updatedAt: { $gte: since } })
        .lean<TenantRecord[]>()
        .exec(),
      this.removals()
        .find({ removedAt: { $gte: since } })
        .lean<TenantRemoval[]>()
        .exec(),
    ]);
    if (startedAt - this.syncedAt > REMOVAL_RETENTION_MS - REGISTRY_SYNC_OVERLAP_MS) {
      // Out of touch for longer than removals are kept: some may be gone from what was just read.
      for (const [slug, entry] of this.cache) if (entry.readAt < startedAt) this.cache.delete(slug);
    }
    const latest = new Map<string, { at: number; value: TenantRecord | null }>();
    for (const r of removed) latest.set(r._id, { at: r.removedAt.getTime(), value: null });
    for (const record of changed) {
      const at = record.updatedAt.getTime();
      if ((latest.get(record._id)?.at ?? -Infinity) <= at) latest.set(record._id, { at, value: record });
    }
    for (const [slug, { value }] of latest) {
      // Only what this instance serves; tenants it has never seen are read when first asked for.
      if (this.cache.has(slug) && !this.changedDuringSync.has(slug)) this.cache.set(slug, { value, readAt: startedAt });
    }
    this.syncedAt = startedAt;
    this.changedDuringSync.clear();
  }

  private async ensureRegistryIndexes(): Promise<void> {
    if (this.indexesEnsured) return;
    await Promise.all([this.model().createIndexes(), this.removals().createIndexes()]);
    this.indexesEnsured = true;
  }

  /** One registry read per slug at a time, however many requests arrive together. */
  private load(slug: string): Promise<TenantRecord | null> {
    let pending = this.inflight.get(slug);
    if (!pending) {
      const startedAt = this.generation;
      const readAt = Date.now();
      pending = this.model()
        .findById(slug)
        .lean<TenantRecord>()
        .exec()
        .then((value) => {
          if (this.ttlMs > 0 && startedAt === this.generation) {
            this.cache.set(slug, { value: value ?? null, readAt });
          }
          return value ?? null;
        })
        .finally(() => this.inflight.delete(slug));
      this.inflight.set(slug, pending);
    }
    return pending;
  }

  invalidate(slug: string): void {
    this.generation++;
    if (this.syncing) this.changedDuringSync.add(slug);
    this.inflight.delete(slug);
    this.cache.delete(slug);
  }

  async create(record: TenantRecord): Promise<void> {
    await this.model().create(record);
    this.invalidate(record._id);
  }

  /** The tenant whose database is `dbName`, compared without case (MongoDB's own rule), if any. */
  async findByDbName(dbName: string): Promise<TenantRecord | null> {
    return this.model()
      .findOne({ dbName: { $regex: `^${escapeRegex(dbName)}$`, $options: 'i' } })
      .lean<TenantRecord>()
      .exec();
  }

  /** When a tenant of this slug was last removed, if within the removal retention. */
  async removedAt(slug: string): Promise<Date | null> {
    const row = await this.removals().findById(slug).lean<TenantRemoval>().exec();
    return row?.removedAt ?? null;
  }

  /** Gives a tenant created before incarnation ids existed its `uid`; the one it has otherwise. */
  async ensureUid(slug: string): Promise<string | null> {
    await this.model()
      .updateOne({ _id: slug, uid: { $exists: false } }, { $set: { uid: randomUUID(), updatedAt: new Date() } })
      .exec();
    this.invalidate(slug);
    return (await this.get(slug))?.uid ?? null;
  }

  async list(): Promise<TenantRecord[]> {
    return this.model().find().sort({ _id: 1 }).lean<TenantRecord[]>().exec();
  }

  async get(slug: string): Promise<TenantRecord | null> {
    return this.model().findById(slug).lean<TenantRecord>().exec();
  }

  async update(
    slug: string,
    changes: Partial<Pick<TenantRecord, 'name' | 'status'>>,
    actor: string,
  ): Promise<TenantRecord | null> {
    const updated = await this.model()
      .findOneAndUpdate(
        { _id: slug },
        { $set: { ...changes, updatedAt: new Date(), updatedBy: actor } },
        { returnDocument: 'after' },
      )
      .lean<TenantRecord>()
      .exec();
    this.invalidate(slug);
    return updated;
  }

  /** Records that the tenant database has the index set `hash`; false if the tenant is gone. */
  async markIndexesApplied(slug: string, hash: string): Promise<boolean> {
    const res = await this.model()
      .updateOne({ _id: slug }, { $set: { indexSetHash: hash, indexesAppliedAt: new Date() } })
      .exec();
    return res.matchedCount === 1;
  }

  /** Records that a data migration is done in the tenant database; false if the tenant is gone. */
  async markMigrationApplied(slug: string, id: string): Promise<boolean> {
    const res = await this.model()
      .updateOne({ _id: slug }, { $addToSet: { migrations: id } })
      .exec();
    return res.matchedCount === 1;
  }

  async remove(slug: string): Promise<boolean> {
    const res = await this.model().deleteOne({ _id: slug }).exec();
    this.invalidate(slug);
    const now = new Date();
    await this.removals()
      .updateOne({ _id: slug }, { $set: { removedAt: now } }, { upsert: true })
      .exec();
    await this.removals()
      .deleteMany({ removedAt: { $lt: new Date(now.getTime() - REMOVAL_RETENTION_MS) } })
      .exec();
    return res.deletedCount === 1;
  }

  private model(): Model<TenantRecord> {
    return this.registryModel<TenantRecord>('TenantRecord', TenantRecordSchema);
  }

  private removals(): Model<TenantRemoval> {
    return this.registryModel<TenantRemoval>('TenantRemoval', TenantRemovalSchema);
  }

  private registryModel<T>(name: string, schema: Schema<T>): Model<T> {
    const db = this.connections.database(this.registryDb);
    return (db.models[name] as Model<T> | undefined) ?? (db.model(name, schema) as unknown as Model<T>);
  }
}
