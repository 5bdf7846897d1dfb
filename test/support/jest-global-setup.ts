import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb, type EmbeddedMongo } from '../../scripts/ferretdb';

declare global {
  var __EMBEDDED_MONGO__: EmbeddedMongo | undefined;
}

/** One private FerretDB for the whole run (suites isolate themselves with random tenants). */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'tenant-crm-test-'));
  const mongo = await startFerretDb({ dataDir, logFile: join(dataDir, 'ferretdb.log') });
  globalThis.__EMBEDDED_MONGO__ = mongo;
  // Workers are started after this and inherit the environment.
  process.env.MONGODB_URI = mongo.uri;
}
