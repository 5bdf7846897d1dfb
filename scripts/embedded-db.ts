import { join, resolve } from 'node:path';
import { readAppSettings } from '@app/common';
import { readTenancySettings } from '@app/tenancy';
import { readEmbeddedDbSettings } from './embedded-db.settings';
import { startFerretDb } from './ferretdb';

export interface Database {
  uri: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * MONGODB_URI when set; otherwise an embedded FerretDB, built once per machine from its Go module:
 * on PostgreSQL when FERRETDB_POSTGRESQL_URL is set, else on SQLite with its data under
 * DATA_DIR/ferretdb; with a memory limit (FERRETDB_MEMORY_LIMIT_MB, default a quarter of the machine).
 */
export async function openDatabase(): Promise<Database> {
  const uri = readTenancySettings().MONGODB_URI;
  if (uri) return { uri, embedded: false, stop: async () => undefined };
  const config = readAppSettings();
  const embedded = readEmbeddedDbSettings();
  const dataDir = resolve(config.DATA_DIR, 'ferretdb');
  const postgresqlUrl = embedded.FERRETDB_POSTGRESQL_URL;
  const mongo = await startFerretDb({
    dataDir,
    logFile: join(resolve(config.DATA_DIR), 'ferretdb.log'),
    handler: postgresqlUrl ? 'postgresql' : 'sqlite',
    postgresqlUrl,
    memoryLimitMb: embedded.FERRETDB_MEMORY_LIMIT_MB,
  });
  const where = postgresqlUrl ? 'on PostgreSQL (FERRETDB_POSTGRESQL_URL)' : `with data in ${dataDir}`;
  process.stderr.write(`No MONGODB_URI: embedded FerretDB ${where}, memory limit ${mongo.memoryLimitMb} MiB\n`);
  return { uri: mongo.uri, embedded: true, stop: () => mongo.stop() };
}
