import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { totalmem } from 'node:os';
import { MongoClient } from 'mongodb';

/** A running MongoDB-compatible server owned by this process. */
export interface EmbeddedMongo {
  uri: string;
  port: number;
  dataDir: string;
  /** The FerretDB process (for resource readings: CPU time, resident memory). */
  pid: number;
  /** The soft memory limit it runs with (GOMEMLIMIT), in MiB. */
  memoryLimitMb: number;
  stop(): Promise<void>;
}

export interface StartFerretDbOptions {
  /** Holds the SQLite databases (sqlite handler) and FerretDB's state.json; created if missing. */
  dataDir: string;
  /** Loopback port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Appends FerretDB's stdout and stderr here; discarded when omitted. */
  logFile?: string;
  handler?: 'sqlite' | 'postgresql';
  /** Required with the postgresql handler. */
  postgresqlUrl?: string;
  /** Soft memory limit in MiB (Go's GOMEMLIMIT); default: defaultMemoryLimitMb() of this machine. */
  memoryLimitMb?: number;
}

/** A quarter of the machine's memory, at least 256 MiB and at most 4 GiB. */
export function defaultMemoryLimitMb(totalBytes = totalmem()): number {
  const quarter = Math.floor(totalBytes / 4 / (1024 * 1024));
  return Math.min(4096, Math.max(256, quarter));
}

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const STDERR_TAIL_LINES = 50;

let binaryPromise: Promise<string> | undefined;

/**
 * Path of the FerretDB binary, built once per machine by scripts/install-ferretdb.sh
 * (which honours FERRETDB_BIN and TENANT_CRM_CACHE). Memoised per process.
 */
export function ferretDbBinary(): Promise<string> {
  binaryPromise ??= runInstallScript().catch((err: unknown) => {
    binaryPromise = undefined;
    throw err;
  });
  return binaryPromise;
}

/** Starts FerretDB and resolves once it answers commands. */
export async function startFerretDb(opts: StartFerretDbOptions): Promise<EmbeddedMongo> {
  const dataDir = resolve(opts.dataDir);
  const args = backendArgs(opts, dataDir);
  const bin = await ferretDbBinary();
  await mkdir(dataDir, { recursive: true });

  // A port picked by freePort() can be taken by someone else before FerretDB binds it.
  const attempts = opts.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch(bin, args, dataDir, port, opts.logFile, opts.memoryLimitMb ?? defaultMemoryLimitMb());
    } catch (err) {
      if (!(err instanceof AddressInUseError) || attempt >= attempts) throw err;
    }
  }
}

/** A loopback TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}

class AddressInUseError extends Error {}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function backendArgs(opts: StartFerretDbOptions, dataDir: string): string[] {
  const handler = opts.handler ?? 'sqlite';
  if (handler === 'postgresql') {
    if (!opts.postgresqlUrl) throw new Error('startFerretDb: postgresqlUrl is required with the postgresql handler');
    return ['--handler=postgresql', `--postgresql-url=${opts.postgresqlUrl}`];
  }
  // FerretDB decodes this URL, then hands SQLite a URI built from the decoded path, so these
  // characters would be read as query, fragment or escape and put the databases elsewhere.
  if (/[?#%]/.test(dataDir)) {
    throw new Error(`startFerretDb: the sqlite handler cannot use a dataDir with ?, # or %: ${dataDir}`);
  }
  return ['--handler=sqlite', `--sqlite-url=${pathToFileURL(dataDir + '/').href}`];
}

async function launch(
  bin: string,
  backend: string[],
  dataDir: string,
  port: number,
  logFile: string | undefined,
  memoryLimitMb: number,
): Promise<EmbeddedMongo> {
  const args = [
    ...backend,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dataDir}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=warn',
  ];
  const log = logFile ? await openLog(logFile) : undefined;
  // Go's garbage collector works harder as the heap nears GOMEMLIMIT instead of letting a big scan grow
  // it without bound (16 GB of 23 was seen at 20,000 customers). A soft limit: a single result set
  // larger than it still fits, at the price of more collection.
  const env = { ...process.env, GOMEMLIMIT: `${memoryLimitMb}MiB` };
  const child = spawn(bin, args, { cwd: dataDir, env, stdio: ['ignore', log ? 'pipe' : 'ignore', 'pipe'] });
  const tail = new LineTail(STDERR_TAIL_LINES);
  child.stdout?.on('data', (chunk: Buffer) => log?.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'));
    log?.write(chunk);
  });
  // Resolves once the process is gone and everything it wrote has reached the log file.
  const closed = new Promise<void>((resolveClosed) => {
    child.once('close', () => {
      if (log) log.end(resolveClosed);
      else resolveClosed();
    });
  });

  // Synchronous kill on parent exit, so a crashing test run or CLI never leaves an orphan server.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      exit = { code, signal };
      resolveExit(exit);
    });
    // Spawn failures (ENOENT, EACCES) may emit 'error' without 'exit'.
    child.once('error', (error) => {
      process.off('exit', killOnExit);
      exit ??= { code: null, signal: null, error };
      resolveExit(exit);
    });
  });

  const uri = `mongodb://127.0.0.1:${port}/`;
  const command = (): string => `FerretDB (${bin} ${args.join(' ')})`;
  const withTail = (message: string): string => {
    const text = tail.text();
    return text ? `${message}\n--- last FerretDB stderr ---\n${text}` : message;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const answered = await Promise.race([isOurServer(uri, child), exited.then(() => false)]);
    if (exit) {
      await closed;
      const message = withTail(`${command()} exited before it was ready (${describeExit(exit)})`);
      throw /address already in use/i.test(tail.text()) ? new AddressInUseError(message) : new Error(message);
    }
    if (answered) break;
    if (Date.now() >= deadline) {
      child.kill('SIGKILL');
      await closed;
      throw new Error(withTail(`${command()} did not answer on ${uri} within ${READY_TIMEOUT_MS / 1000}s`));
    }
    await settlesWithin(exited, READY_POLL_MS);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exit) {
        child.kill('SIGTERM');
        if (!(await settlesWithin(exited, STOP_GRACE_MS))) child.kill('SIGKILL');
      }
      await closed;
    })();
    return stopping;
  };

  return { uri, port, dataDir, pid: child.pid ?? 0, memoryLimitMb, stop };
}

function describeExit(exit: ExitInfo): string {
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

/** Opens `file` for appending, creating its directory; fails here rather than as an unhandled stream error. */
async function openLog(file: string): Promise<WriteStream> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  await once(stream, 'open');
  stream.on('error', () => undefined); // a failing log must not crash the caller
  return stream;
}

/**
 * True once the server on `uri` answers commands and is the process we spawned: the pid check
 * keeps us from mistaking another server that grabbed the port for ours.
 */
async function isOurServer(uri: string, child: ChildProcess): Promise<boolean> {
  const client = new MongoClient(uri, {
    directConnection: true,
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
  });
  try {
    await client.connect();
    const status = await client.db('admin').command({ serverStatus: 1 });
    const pid: unknown = status['pid'];
    return Number(pid) === child.pid;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Whether `promise` settles within `ms`; clears its timer either way, so no handle outlives the call. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolveSettled) => {
    const timer = setTimeout(() => {
      resolveSettled(false);
    }, ms);
    const settled = (): void => {
      clearTimeout(timer);
      resolveSettled(true);
    };
    promise.then(settled, settled);
  });
}

/** Keeps the last `max` lines of a text stream. */
class LineTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  text(): string {
    return [...this.lines, this.partial].filter((line) => line !== '').join('\n');
  }
}

async function runInstallScript(): Promise<string> {
  const script = join(repoRoot(), 'scripts', 'install-ferretdb.sh');
  // stderr is inherited so the one-off build shows its progress.
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolveCode, reject) => {
    child.once('error', reject);
    child.once('close', resolveCode);
  });
  const bin = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !bin) {
    throw new Error(`${script} failed (exit code ${String(code)}); see its output above, or set MONGODB_URI`);
  }
  return bin;
}

/** Walks up from this file to the tenant-crm package root; works from the sources and from dist/. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === 'tenant-crm') return dir;
    if (dirname(dir) === dir) throw new Error(`no tenant-crm package.json above ${__dirname}`);
  }
}

function packageName(manifest: string): unknown {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return parsed && typeof parsed === 'object' && 'name' in parsed ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
