import type { INestApplication } from '@nestjs/common';
import { BSON } from 'mongodb';
import type { Settings } from '@app/common';
import { TenantConnectionRegistry, TenantDirectory, tenancySettings } from '@app/tenancy';

/**
 * Every document of a tenant's database, plus its registry record, as canonical Extended JSON:
 * two snapshots are equal only if the data is byte-for-byte the same. Read directly through the
 * application's connection, never through the API under test.
 */
export async function snapshotTenant(app: INestApplication, slug: string): Promise<Record<string, string>> {
  const registry = app.get(TenantConnectionRegistry);
  const directory = app.get(TenantDirectory);
  const config = app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY);
  const db = registry.database(directory.dbNameFor(slug)).db;
  const registryDb = registry.database(config.MONGODB_REGISTRY_DB).db;
  if (!db || !registryDb) throw new Error('database handle not open');
  const out: Record<string, string> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = BSON.EJSON.stringify(docs, { relaxed: false });
  }
  out['registry:tenants'] = BSON.EJSON.stringify(
    await registryDb.collection('tenants').findOne({ _id: slug as never }),
    {
      relaxed: false,
    },
  );
  return out;
}

/** A snapshot taken once the data stopped changing (listeners may still be writing after a 2xx). */
export async function settledSnapshot(app: INestApplication, slug: string): Promise<Record<string, string>> {
  let previous = await snapshotTenant(app, slug);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await snapshotTenant(app, slug);
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
  throw new Error(`tenant ${slug} data kept changing; cannot take a stable snapshot`);
}

/** Names of collections whose content differs (added, removed or changed). */
export function changedCollections(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}
