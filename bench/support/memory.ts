import { setTimeout as sleep } from 'node:timers/promises';

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether the process runs with --expose-gc (run.ts re-spawns itself with it). */
export const canForceGc = gc !== undefined;

/**
 * Heap in use after full collections, in bytes. Several passes with a pause between them, so
 * that objects freed by finalisers and weak callbacks of the first pass are gone too.
 */
export async function heapAfterGc(): Promise<number> {
  if (!gc) return process.memoryUsage().heapUsed;
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}
