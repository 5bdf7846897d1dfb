import { join, resolve } from 'node:path';
import { readAppSettings } from '@app/common';
import { readTenancySettings } from '@app/tenancy';
import { startFerretDb } from './ferretdb';

export interface Database {
  uri: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * MONGODB_URI when set; otherwise an embedded FerretDB (SQLite backend) with its data under
 * DATA_DIR/ferretdb, built once per machine from its Go module.
 */
export async function openDatabase(): Promise<Database> {
  const uri = readTenancySettings().MONGODB_URI;
  if (uri) return { uri, embedded: false, stop: async () => undefined };
  const config = readAppSettings();
  const dataDir = resolve(config.DATA_DIR, 'ferretdb');
  process.stderr.write(`No MONGODB_URI: starting the embedded FerretDB with data in ${dataDir}\n`);
  const mongo = await startFerretDb({ dataDir, logFile: join(resolve(config.DATA_DIR), 'ferretdb.log') });
  return { uri: mongo.uri, embedded: true, stop: () => mongo.stop() };
}
