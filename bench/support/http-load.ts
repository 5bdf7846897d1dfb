import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load-result';

export interface HttpRequestSpec {
  path: string;
  headers?: Record<string, string>;
}

export interface HttpLoadSpec {
  /** Origin of the server, e.g. http://127.0.0.1:4123 */
  url: string;
  /** Each connection cycles through these in order; one entry hits a single route. */
  requests: HttpRequestSpec[];
  connections: number;
  durationSec: number;
}

interface WorkerReply {
  result?: LoadResult;
  statusCodes?: Record<string, { count: number }>;
  error?: string;
}

/**
 * Closed-loop HTTP load (each of `connections` keep-alive connections sends its next request
 * when the previous answer arrived) by autocannon in a worker thread of this process.
 * Non-2xx answers count as errors; the caller decides whether that invalidates the run.
 */
export function httpLoad(spec: HttpLoadSpec): Promise<LoadResult & { statusCodes: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'http-load.worker.js'), { workerData: spec });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.error || !reply.result) reject(new Error(`autocannon: ${reply.error ?? 'no result'}`));
      else {
        const statusCodes = Object.fromEntries(
          Object.entries(reply.statusCodes ?? {}).map(([code, s]) => [code, s.count]),
        );
        resolve({ ...reply.result, statusCodes });
      }
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} before reporting`));
    });
  });
}
