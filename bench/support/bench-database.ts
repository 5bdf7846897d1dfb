import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFerretDb } from '../../scripts/ferretdb';

export type Handler = 'sqlite' | 'postgresql';

export interface BenchDatabase {
  uri: string;
  /** sqlite / postgresql (our own FerretDB) or external (MONGODB_URI). */
  label: string;
  /** TCP port of the server, for counting our sockets to it; undefined when unknown (SRV URIs). */
  port?: number;
  /** Whether the bench owns the server and its data (and may leave data behind when it stops). */
  owned: boolean;
  /** Our own FerretDB's process id (resident memory readings); undefined for an external server. */
  pid?: number;
  stop(): Promise<void>;
}

const DEFAULT_POSTGRESQL_URL = 'postgres://postgres@127.0.0.1:5432/ferretdb_bench';

/**
 * MONGODB_URI when set (MongoDB or any FerretDB); otherwise a private FerretDB in a temp dir with
 * the requested handler. The PostgreSQL handler gets a freshly created database each run
 * (BENCH_POSTGRESQL_URL, default postgres://postgres@127.0.0.1:5432/ferretdb_bench).
 */
export async function openBenchDatabase(handler: Handler, env: NodeJS.ProcessEnv): Promise<BenchDatabase> {
  if (env.MONGODB_URI) {
    const uri = env.MONGODB_URI;
    return { uri, label: 'external', port: portOf(uri), owned: false, stop: async () => undefined };
  }
  const dataDir = await mkdtemp(join(tmpdir(), `tenant-crm-bench-${handler}-`));
  const postgresqlUrl = env.BENCH_POSTGRESQL_URL ?? DEFAULT_POSTGRESQL_URL;
  if (handler === 'postgresql') await recreatePostgresDatabase(postgresqlUrl);
  const mongo = await startFerretDb({
    dataDir,
    handler,
    postgresqlUrl,
    logFile: join(dataDir, 'ferretdb.log'),
  });
  return {
    uri: mongo.uri,
    label: handler,
    port: mongo.port,
    owned: true,
    pid: mongo.pid,
    stop: async () => {
      await mongo.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function portOf(uri: string): number | undefined {
  const m = /^mongodb:\/\/(?:[^@/]*@)?[^:/,]+:(\d+)[/?]?/.exec(uri);
  if (m) return Number(m[1]);
  return /^mongodb:\/\/(?:[^@/]*@)?[^:/,]+(?:[/?]|$)/.test(uri) ? 27017 : undefined;
}

/** Drops and creates the bench's PostgreSQL database, so every run starts from nothing. */
async function recreatePostgresDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`BENCH_POSTGRESQL_URL must name a plain database, not "${name}"`);
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const psql = (sql: string) =>
    promisify(execFile)('psql', [...args, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
    });
  try {
    await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await psql(`CREATE DATABASE "${name}"`);
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    const why = err.code === 'ENOENT' ? 'psql is not installed' : (err.stderr ?? err.message).trim();
    throw new Error(`Could not (re)create PostgreSQL database ${name} at ${u.host}: ${why}`);
  }
}
