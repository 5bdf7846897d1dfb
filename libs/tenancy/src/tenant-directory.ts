import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Model, Schema } from 'mongoose';
import type { AppConfig } from '@app/common';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantRecord, TenantStatus } from './tenant-record';

const TenantRecordSchema = new Schema<TenantRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    dbName: { type: String, required: true },
    status: { type: String, enum: Object.values(TenantStatus), required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
    indexSetHash: { type: String },
    indexesAppliedAt: { type: Date },
  },
  { collection: 'tenants', versionKey: false, autoIndex: false, strict: 'throw' },
);

interface CacheEntry {
  value: TenantRecord | null;
  expiresAt: number;
}

/**
 * The tenant registry in the control database, with an in-process cache in front of it so that
 * resolving a request's tenant is a map lookup, not a registry query. Changes made through this
 * instance drop the entry at once; the TTL bounds how stale other instances can be.
 */
@Injectable()
export class TenantDirectory {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<TenantRecord | null>>();
  /** Bumped by invalidate(), so a read that started before a change never caches the old value. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly prefix: string;
  private readonly registryDb: string;

  constructor(
    private readonly connections: TenantConnectionRegistry,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.get('TENANT_CACHE_TTL_MS', { infer: true });
    this.prefix = config.get('TENANT_DB_PREFIX', { infer: true });
    this.registryDb = config.get('MONGODB_REGISTRY_DB', { infer: true });
  }

  dbNameFor(slug: string): string {
    return `${this.prefix}${slug}`;
  }

  /** The tenant behind a token's `tid`, from the cache when fresh. */
  async resolve(slug: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(slug);
    const now = Date.now();
    if (hit && hit.expiresAt > now) {
      // Refresh ahead in the second half of the TTL, so a tenant in steady use never waits on the
      // registry; an entry is still never served past its TTL, which bounds staleness as before.
      if (hit.expiresAt - now < this.ttlMs / 2 && !this.inflight.has(slug)) {
        this.load(slug).catch(() => undefined);
      }
      return hit.value;
    }
    return this.load(slug);
  }

  /** One registry read per slug at a time, however many requests arrive together. */
  private load(slug: string): Promise<TenantRecord | null> {
    let pending = this.inflight.get(slug);
    if (!pending) {
      const startedAt = this.generation;
      pending = this.model()
        .findById(slug)
        .lean<TenantRecord>()
        .exec()
        .then((value) => {
          if (this.ttlMs > 0 && startedAt === this.generation) {
            this.cache.set(slug, { value: value ?? null, expiresAt: Date.now() + this.ttlMs });
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
    this.inflight.delete(slug);
    this.cache.delete(slug);
  }

  async create(record: TenantRecord): Promise<void> {
    await this.model().create(record);
    this.invalidate(record._id);
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

  async remove(slug: string): Promise<boolean> {
    const res = await this.model().deleteOne({ _id: slug }).exec();
    this.invalidate(slug);
    return res.deletedCount === 1;
  }

  private model(): Model<TenantRecord> {
    const db = this.connections.database(this.registryDb);
    return (
      (db.models.TenantRecord as Model<TenantRecord> | undefined) ??
      (db.model('TenantRecord', TenantRecordSchema) as unknown as Model<TenantRecord>)
    );
  }
}
