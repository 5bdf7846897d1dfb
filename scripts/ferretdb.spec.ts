import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { defaultMemoryLimitMb, freePort, startFerretDb, type EmbeddedMongo } from './ferretdb';

// The first run on a machine may build FerretDB from source.
const TIMEOUT_MS = 300_000;

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'ECONNREFUSED');
    });
  });
}

async function withConnection<T>(uri: string, fn: (conn: mongoose.Connection) => Promise<T>): Promise<T> {
  const conn = await mongoose.createConnection(uri, { dbName: 'ferretdb_spec' }).asPromise();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

describe('startFerretDb', () => {
  let dataDir: string;
  let sut: EmbeddedMongo | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tenant-crm-ferretdb-spec-'));
  });

  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'serves mongoose, closes its port on stop and keeps data across restarts',
    async () => {
      sut = await startFerretDb({ dataDir, logFile: join(dataDir, 'ferretdb.log') });
      expect(sut.uri).toBe(`mongodb://127.0.0.1:${sut.port}/`);

      await withConnection(sut.uri, async (conn) => {
        await conn.collection('notes').insertOne({ key: 'persisted', n: 42 });
        const found = await conn.collection('notes').findOne({ key: 'persisted' });
        expect(found).toMatchObject({ key: 'persisted', n: 42 });
      });

      const firstPort = sut.port;
      await sut.stop();
      await sut.stop(); // idempotent
      expect(await connectionRefused(firstPort)).toBe(true);

      sut = await startFerretDb({ dataDir, logFile: join(dataDir, 'ferretdb.log') });
      const found = await withConnection(sut.uri, (conn) => conn.collection('notes').findOne({ key: 'persisted' }));
      expect(found).toMatchObject({ key: 'persisted', n: 42 });
    },
    TIMEOUT_MS,
  );

  it(
    'runs FerretDB with a memory limit: the one given, else one relative to the machine',
    async () => {
      sut = await startFerretDb({ dataDir, memoryLimitMb: 321 });
      expect(sut.memoryLimitMb).toBe(321);
      const environ = (await readFile(`/proc/${sut.pid}/environ`, 'utf8')).split('\0');
      expect(environ).toContain('GOMEMLIMIT=321MiB');
      await sut.stop();

      sut = await startFerretDb({ dataDir });
      expect(sut.memoryLimitMb).toBe(defaultMemoryLimitMb());
      expect((await readFile(`/proc/${sut.pid}/environ`, 'utf8')).split('\0')).toContain(
        `GOMEMLIMIT=${defaultMemoryLimitMb()}MiB`,
      );
    },
    TIMEOUT_MS,
  );

  it('takes a quarter of the machine as the default limit, between 256 MiB and 4 GiB', () => {
    const GiB = 1024 ** 3;
    expect(defaultMemoryLimitMb(8 * GiB)).toBe(2048);
    expect(defaultMemoryLimitMb(512 * 1024 ** 2)).toBe(256);
    expect(defaultMemoryLimitMb(64 * GiB)).toBe(4096);
  });

  it(
    'fails with FerretDB stderr, also written to the log file, when the requested port is taken',
    async () => {
      const logFile = join(dataDir, 'logs', 'ferretdb.log');
      const port = await freePort();
      // Hangs up at once: a silent listener would leave the readiness probe's socket open, and close() would wait on it.
      const blocker: Server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      try {
        await expect(startFerretDb({ dataDir, port, logFile })).rejects.toThrow(
          /exited before it was ready[\s\S]*address already in use/,
        );
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
      expect(await readFile(logFile, 'utf8')).toMatch(/address already in use/);
    },
    TIMEOUT_MS,
  );
});
