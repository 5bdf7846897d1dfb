import request from 'supertest';
import type { INestApplication } from '@nestjs/common';

/** One request's outcome, as a client saw it. */
export interface Outcome {
  status: number;
  ms: number;
  startedAt: number;
  body: Record<string, unknown>;
  contentType: string;
}

/**
 * Keeps `workers` clients sending requests back to back until stopped; records every outcome.
 * `next` builds each request (a write or a read).
 */
export function runLoad(
  app: INestApplication,
  workers: number,
  next: (server: ReturnType<INestApplication['getHttpServer']>, i: number) => request.Test,
): { stop: () => Promise<Outcome[]>; outcomes: Outcome[] } {
  const outcomes: Outcome[] = [];
  let running = true;
  let i = 0;
  const server = app.getHttpServer();
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const startedAt = Date.now();
      const res = await next(server, i++).catch(
        (e: Error) => ({ status: 0, body: { error: e.message }, headers: {} }) as unknown as request.Response,
      );
      outcomes.push({
        status: res.status,
        ms: Date.now() - startedAt,
        startedAt,
        body: (res.body ?? {}) as Record<string, unknown>,
        contentType: String(res.headers?.['content-type'] ?? ''),
      });
      // A refused request returns at once; a short pause keeps a dead database from becoming a busy loop.
      if (res.status >= 500 || res.status === 0) await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}
