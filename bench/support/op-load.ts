import { LatencySamples, summarise, type LoadResult } from './load-result';

/**
 * The raw-driver counterpart of `httpLoad`: `concurrency` loops each run `op` back to back for
 * `durationSec` (autocannon cannot drive a database driver). `op` gets a running counter so
 * callers can spread operations over several targets the way a request list does.
 */
export async function opLoad(
  op: (i: number) => Promise<unknown>,
  opts: { concurrency: number; durationSec: number },
): Promise<LoadResult> {
  const samples = new LatencySamples();
  let errors = 0;
  let firstError: string | undefined;
  let counter = 0;
  const started = performance.now();
  const deadline = started + opts.durationSec * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await op(counter++);
        samples.record(performance.now() - t0);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  return { ...summarise(samples.values(), errors, (performance.now() - started) / 1000), firstError };
}
