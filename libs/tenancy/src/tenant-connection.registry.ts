import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model, Schema } from 'mongoose';
import { queryDeadlinePlugin } from './query-deadline';

/**
 * Tenant database handles over the process's single connection pool. `useDb` with `useCache`
 * returns the same handle for a database every time; each model is compiled once per handle.
 * Schemas are registered by `TenancyModule.forFeature`, so provisioning knows every collection.
 */
@Injectable()
export class TenantConnectionRegistry {
  private readonly schemas = new Map<string, Schema>();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  registerSchema(name: string, schema: Schema): void {
    const existing = this.schemas.get(name);
    if (existing && existing !== schema)
      throw new Error(`Tenant model ${name} registered twice with different schemas`);
    // Tenant handles come from useDb, which does not inherit the root connection's plugins.
    if (!existing) schema.plugin(queryDeadlinePlugin);
    this.schemas.set(name, schema);
  }

  modelNames(): string[] {
    return [...this.schemas.keys()];
  }

  /**
   * A fingerprint of every tenant collection and its index definitions. It changes whenever a
   * module adds a collection or an index, which is how `npm run migrate` knows a tenant is behind.
   */
  indexSetHash(): string {
    const set = [...this.schemas.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, schema]) => [name, schema.get('collection') ?? null, schema.indexes()]);
    return createHash('sha256').update(JSON.stringify(set)).digest('hex').slice(0, 16);
  }

  /**
   * What one tenant database holds once provisioned: each registered collection and its indexes
   * (`_id`'s included). Every one is a file on a MongoDB server, and clusters cap their number.
   */
  footprint(): { collections: number; indexes: number; total: number; byCollection: Record<string, number> } {
    const byCollection: Record<string, number> = {};
    for (const [name, schema] of this.schemas) {
      const collection = (schema.get('collection') as string | undefined) ?? name;
      byCollection[collection] = 2 + schema.indexes().length; // the collection, `_id`'s index, the declared ones
    }
    const collections = Object.keys(byCollection).length;
    const total = Object.values(byCollection).reduce((sum, n) => sum + n, 0);
    return { collections, indexes: total - collections, total, byCollection };
  }

  database(dbName: string): Connection {
    return this.connection.useDb(dbName, { useCache: true });
  }

  model<T>(dbName: string, name: string): Model<T> {
    const db = this.database(dbName);
    const compiled = db.models[name] as Model<T> | undefined;
    if (compiled) return compiled;
    const schema = this.schemas.get(name);
    if (!schema) throw new Error(`Unknown tenant model ${name}`);
    // Mongoose's generic overloads of model<T>() send the compiler into a very deep
    // instantiation for an unconstrained T; the schema is the source of truth here anyway.
    return db.model(name, schema) as unknown as Model<T>;
  }

  /** Creates every registered collection and its indexes in a tenant database. Idempotent. */
  async provision(dbName: string): Promise<void> {
    for (const name of this.modelNames()) {
      const model = this.model(dbName, name);
      await model.createCollection().catch((e: { codeName?: string; code?: number }) => {
        if (e.code !== 48 && e.codeName !== 'NamespaceExists') throw e;
      });
      await model.createIndexes();
    }
  }

  async drop(dbName: string): Promise<void> {
    const db = this.database(dbName);
    await db.dropDatabase();
  }

  /** The shared connection, for health checks and the control database. */
  get root(): Connection {
    return this.connection;
  }
}
