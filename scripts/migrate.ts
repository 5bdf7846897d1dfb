import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs } from 'node:util';
import {
  systemPrincipal,
  TenantConnectionRegistry,
  TenantDirectory,
  type TenantMigration,
  TenantMigrations,
  type TenantRecord,
  TenantRunner,
} from '@app/tenancy';
import { openDatabase } from './embedded-db';

export interface MigrateOptions {
  /** Only these tenant slugs (default: every tenant in the registry). */
  tenants?: string[];
  /** Re-apply even where the recorded index set is current, and run every data migration again. */
  force?: boolean;
  /** One line per tenant and a summary; default: stdout. */
  log?: (line: string) => void;
  /** Also check what migrations maintain (customer counters against a recount) and repair drift. */
  verify?: boolean;
  /** Called after each tenant is done (tests use it to simulate a crash part-way). */
  afterTenant?: (slug: string, position: number) => void | Promise<void>;
}

export interface MigrateReport {
  indexSetHash: string;
  total: number;
  applied: string[];
  skipped: string[];
  failed: Array<{ slug: string; error: string }>;
  /** Records changed per data migration id, over all tenants. */
  migrated: Record<string, number>;
  /** With `verify`: every problem found (and repaired), prefixed with its tenant. */
  drift: string[];
}

/**
 * Brings each tenant database up to date: applies the current index set (every collection
 * registered through TenancyModule.forFeature, with its indexes) and records the set's hash on the
 * tenant, gives a tenant from before incarnation ids its `uid`, then runs the data migrations
 * (`@TenantMigrationProvider()`) the tenant has not had, recording each. A tenant that is current
 * in all three is skipped, so a second run does nothing and a run that stopped part-way (crash,
 * Ctrl-C) resumes with what it had not reached. Every step is idempotent, so a tenant interrupted
 * mid-way is simply done again.
 */
export async function migrateTenantIndexes(
  app: INestApplicationContext,
  opts: MigrateOptions = {},
): Promise<MigrateReport> {
  const connections = app.get(TenantConnectionRegistry);
  const directory = app.get(TenantDirectory);
  const runner = app.get(TenantRunner);
  const migrations = app.get(TenantMigrations).all();
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const hash = connections.indexSetHash();
  const wanted = opts.tenants ? new Set(opts.tenants) : undefined;
  const tenants = (await directory.list()).filter((t) => !wanted || wanted.has(t._id));
  const report: MigrateReport = {
    indexSetHash: hash,
    total: tenants.length,
    applied: [],
    skipped: [],
    failed: [],
    migrated: Object.fromEntries(migrations.map((m) => [m.id, 0])),
    drift: [],
  };
  log(`index set ${hash} (${connections.modelNames().sort().join(', ')}) → ${tenants.length} tenant database(s)`);
  log(footprintLine(connections));
  if (migrations.length) log(`data migrations: ${migrations.map((m) => `${m.id} (${m.description})`).join('; ')}`);

  for (const [i, listed] of tenants.entries()) {
    const position = `[${i + 1}/${tenants.length}]`;
    // Read again: the list may be minutes old on a large registry, and a tenant deleted since
    // must not get its database re-created by us.
    const tenant: TenantRecord | null = await directory.get(listed._id);
    if (!tenant) {
      log(`${position} ${listed._id} gone, skipped`);
      report.skipped.push(listed._id);
    } else if (
      !opts.force &&
      tenant.indexSetHash === hash &&
      tenant.uid &&
      migrations.every((m) => tenant.migrations?.includes(m.id))
    ) {
      log(`${position} ${tenant._id} current, skipped`);
      report.skipped.push(tenant._id);
    } else {
      const started = Date.now();
      try {
        await directory.ensureUid(tenant._id);
        const done: string[] = [];
        const apply = async (m: TenantMigration) => {
          if (!opts.force && tenant.migrations?.includes(m.id)) return;
          const changed = await runner.runInTenant(tenant._id, () => m.run(), systemPrincipal(tenant._id, 'migrate'), {
            includeSuspended: true,
          });
          await directory.markMigrationApplied(tenant._id, m.id);
          report.migrated[m.id] += changed;
          done.push(`${m.id}: ${changed}`);
        };
        // Data a new unique index needs goes in first, then the index set, then the rest.
        for (const m of migrations.filter((x) => x.beforeIndexes)) await apply(m);
        await connections.provision(tenant.dbName);
        await directory.markIndexesApplied(tenant._id, hash);
        for (const m of migrations.filter((x) => !x.beforeIndexes)) await apply(m);
        log(`${position} ${tenant._id} ok (${Date.now() - started} ms${done.length ? `; ${done.join(', ')}` : ''})`);
        report.applied.push(tenant._id);
      } catch (e) {
        const error = (e as Error).message;
        log(`${position} ${tenant._id} FAILED: ${error}`);
        report.failed.push({ slug: tenant._id, error });
      }
    }
    if (opts.verify && tenant && !report.failed.some((f) => f.slug === tenant._id)) {
      await verifyTenant(runner, migrations, tenant._id, position, log, report);
    }
    await opts.afterTenant?.(listed._id, i + 1);
  }
  log(
    `done: ${report.applied.length} applied, ${report.skipped.length} skipped, ${report.failed.length} failed` +
      (report.failed.length ? ' (run again to retry the failed ones)' : ''),
  );
  return report;
}

async function verifyTenant(
  runner: TenantRunner,
  migrations: readonly TenantMigration[],
  slug: string,
  position: string,
  log: (line: string) => void,
  report: MigrateReport,
): Promise<void> {
  try {
    for (const m of migrations) {
      if (!m.verify) continue;
      const verify = m.verify.bind(m);
      const problems = await runner.runInTenant(slug, verify, systemPrincipal(slug, 'migrate'), {
        includeSuspended: true,
      });
      for (const p of problems) report.drift.push(`${slug}: ${p}`);
      log(`${position} ${slug} verified ${m.id}: ${problems.length ? problems.join('; ') : 'ok'}`);
    }
  } catch (e) {
    const error = (e as Error).message;
    log(`${position} ${slug} verify FAILED: ${error}`);
    report.failed.push({ slug, error });
  }
}

/** One line: collections + indexes per tenant database, and each collection's share. */
export function footprintLine(connections: TenantConnectionRegistry): string {
  const f = connections.footprint();
  const parts = Object.entries(f.byCollection)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name} ${n}`);
  return `per tenant: ${f.collections} collections + ${f.indexes} indexes = ${f.total} (${parts.join(', ')})`;
}

const USAGE = `npm run migrate -- [--tenant <slug> ...] [--force] [--verify] [--report]

Applies the current index set and the pending data migrations to every tenant database (or the
named ones), one line per tenant. Tenants already current are skipped; after a crash, run it again
to resume. --force re-applies everything (every step is idempotent). --verify also recounts what
is kept beside the records (per-company customer counters) and repairs any drift it finds.
--report only prints what one tenant database holds (collections + indexes: files on a MongoDB server).
MONGODB_URI selects the server; without it, the embedded FerretDB under DATA_DIR is used.`;

/** `npm run migrate`: the CLI around migrateTenantIndexes, against MONGODB_URI or the embedded FerretDB. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const db = await openDatabase();
  process.env.MONGODB_URI = db.uri;
  try {
    // Imported only now: the application reads its configuration when its module loads.
    const { NestFactory } = await import('@nestjs/core');
    const { AppModule } = await import('../src/app.module');
    const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      if (values.report) {
        const { TenantConnectionRegistry: Registry } = await import('@app/tenancy');
        process.stdout.write(`${footprintLine(app.get(Registry))}\n`);
        return 0;
      }
      const report = await migrateTenantIndexes(app, {
        tenants: values.tenant,
        force: values.force,
        verify: values.verify,
      });
      return report.failed.length ? 1 : 0;
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}

if (require.main === module) {
  // Ctrl-C: exit through the exit hooks, which stop an embedded FerretDB; the next run resumes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
