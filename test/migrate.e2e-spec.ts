import { Module, type Type } from '@nestjs/common';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import { TenancyModule, TenantConnectionRegistry, TenantDirectory } from '@app/tenancy';
import { migrateTenantIndexes, type MigrateReport } from '../scripts/migrate';
import { AppModule } from '../src/app.module';
import { newTenant, startTestApp, TestApp } from './support/test-app';

// Two collections that later releases add to every tenant database, so the index set grows twice.
@Schema({ collection: 'migration_probe_a', versionKey: false })
class MigrationProbeA {
  @Prop({ required: true })
  key: string;
}
const MigrationProbeASchema = SchemaFactory.createForClass(MigrationProbeA);
MigrationProbeASchema.index({ key: 1 }, { unique: true });

@Schema({ collection: 'migration_probe_b', versionKey: false })
class MigrationProbeB {
  @Prop({ required: true })
  code: string;

  @Prop({ required: true })
  at: Date;
}
const MigrationProbeBSchema = SchemaFactory.createForClass(MigrationProbeB);
MigrationProbeBSchema.index({ code: 1, at: -1 });

const probeA = { name: MigrationProbeA.name, schema: MigrationProbeASchema };
const probeB = { name: MigrationProbeB.name, schema: MigrationProbeBSchema };

@Module({ imports: [TenancyModule.forFeature([probeA])] })
class ReleaseAddingProbeA {}

@Module({ imports: [TenancyModule.forFeature([probeA, probeB])] })
class ReleaseAddingProbeB {}

/** The application as a later release would build it: today's modules plus one that adds indexes. */
async function release(extra: Type): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule, extra] }).compile();
  return moduleRef.init();
}

describe('npm run migrate (migrateTenantIndexes)', () => {
  let t: TestApp;
  const quiet = { log: () => undefined };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** Tenants provisioned by today's release, sorted as the migration walks them (by slug). */
  async function existingTenants(count: number): Promise<string[]> {
    const slugs: string[] = [];
    for (let i = 0; i < count; i++) slugs.push((await newTenant(t, 'mig')).slug);
    return slugs.sort();
  }

  async function indexKeys(app: TestingModule, slug: string, collection: string): Promise<object[] | null> {
    const db = app.get(TenantConnectionRegistry).root.useDb(`crm_t_${slug}`);
    const exists = await db.db?.listCollections({ name: collection }).toArray();
    if (!exists?.length) return null;
    return (await db.collection(collection).indexes()).map((i) => i.key);
  }

  async function recordedHash(app: TestingModule, slug: string): Promise<string | undefined> {
    return (await app.get(TenantDirectory).get(slug))?.indexSetHash;
  }

  it('applies new index definitions to existing tenants, then skips them on the next run', async () => {
    const slugs = await existingTenants(3);
    const next = await release(ReleaseAddingProbeA);
    try {
      for (const slug of slugs) expect(await indexKeys(next, slug, 'migration_probe_a')).toBeNull();

      const lines: string[] = [];
      const first = await migrateTenantIndexes(next, { tenants: slugs, log: (l) => lines.push(l) });
      expect(first).toMatchObject<Partial<MigrateReport>>({ total: 3, applied: slugs, skipped: [], failed: [] });
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^\\[1/3\\] ${slugs[0]} ok`)),
          expect.stringMatching(new RegExp(`^\\[3/3\\] ${slugs[2]} ok`)),
          'done: 3 applied, 0 skipped, 0 failed',
        ]),
      );
      for (const slug of slugs) {
        expect(await indexKeys(next, slug, 'migration_probe_a')).toEqual(expect.arrayContaining([{ key: 1 }]));
        // What was there before is kept.
        expect(await indexKeys(next, slug, 'companies')).toEqual(expect.arrayContaining([{ nameKey: 1 }]));
        expect(await recordedHash(next, slug)).toBe(first.indexSetHash);
      }

      const second = await migrateTenantIndexes(next, { tenants: slugs, ...quiet });
      expect(second).toMatchObject({ indexSetHash: first.indexSetHash, applied: [], skipped: slugs, failed: [] });
    } finally {
      await next.close();
    }
  });

  it('resumes an interrupted run with the tenants it had not reached', async () => {
    const slugs = await existingTenants(4);
    const before = await release(ReleaseAddingProbeA);
    let previousHash: string;
    try {
      previousHash = (await migrateTenantIndexes(before, { tenants: slugs, ...quiet })).indexSetHash;
    } finally {
      await before.close();
    }

    const next = await release(ReleaseAddingProbeB);
    try {
      const crashAfter = 2;
      const crash = (_slug: string, position: number) => {
        if (position === crashAfter) throw new Error('simulated crash');
      };
      await expect(migrateTenantIndexes(next, { tenants: slugs, afterTenant: crash, ...quiet })).rejects.toThrow(
        'simulated crash',
      );
      const newHash = next.get(TenantConnectionRegistry).indexSetHash();
      expect(newHash).not.toBe(previousHash);
      for (const [i, slug] of slugs.entries()) {
        const done = i < crashAfter;
        expect(await recordedHash(next, slug)).toBe(done ? newHash : previousHash);
        const keys = await indexKeys(next, slug, 'migration_probe_b');
        if (done) expect(keys).toEqual(expect.arrayContaining([{ code: 1, at: -1 }]));
        else expect(keys).toBeNull();
      }

      const resumed = await migrateTenantIndexes(next, { tenants: slugs, ...quiet });
      expect(resumed).toMatchObject({
        applied: slugs.slice(crashAfter),
        skipped: slugs.slice(0, crashAfter),
        failed: [],
      });
      for (const slug of slugs) {
        expect(await indexKeys(next, slug, 'migration_probe_b')).toEqual(expect.arrayContaining([{ code: 1, at: -1 }]));
        expect(await recordedHash(next, slug)).toBe(newHash);
      }
    } finally {
      await next.close();
    }
  });

  it('does not re-create the database of a tenant deleted while the migration runs', async () => {
    const [first, deleted] = await existingTenants(2);
    const next = await release(ReleaseAddingProbeA);
    try {
      const directory = next.get(TenantDirectory);
      const connections = next.get(TenantConnectionRegistry);
      const deleteSecond = async (slug: string) => {
        if (slug !== first) return;
        await connections.drop(`crm_t_${deleted}`);
        await directory.remove(deleted);
      };
      const report = await migrateTenantIndexes(next, {
        tenants: [first, deleted],
        afterTenant: deleteSecond,
        ...quiet,
      });
      expect(report).toMatchObject({ applied: [first], skipped: [deleted], failed: [] });
      const databases = await connections.root.db?.admin().listDatabases();
      expect(databases?.databases.map((d) => d.name)).not.toContain(`crm_t_${deleted}`);
    } finally {
      await next.close();
    }
  });
});
