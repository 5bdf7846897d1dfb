import { MongoClient } from 'mongodb';

/** The pid of the server answering on `uri` (FerretDB reports it in serverStatus). */
export async function serverPid(uri: string): Promise<number> {
  const client = new MongoClient(uri, { directConnection: true, serverSelectionTimeoutMS: 2_000 });
  try {
    await client.connect();
    const status = await client.db('admin').command({ serverStatus: 1 });
    const pid = Number(status['pid']);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`serverStatus gave no pid: ${String(status['pid'])}`);
    return pid;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** SIGKILL, as a crash or an OOM kill would; resolves once the process is gone. */
export async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} survived SIGKILL`);
}
