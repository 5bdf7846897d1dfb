import type { Metric } from './scenario';

/** Timing helpers of the scenarios that time whole operations rather than a closed loop. */

/** Milliseconds `fn` took. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Rounds in ABBA order; medians of each side. */
export async function alternate(
  rounds: number,
  baseline: () => Promise<number>,
  subject: () => Promise<number>,
): Promise<{ baseline: number; subject: number }> {
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      b.push(await baseline());
      s.push(await subject());
    } else {
      s.push(await subject());
      b.push(await baseline());
    }
  }
  return { baseline: median(b), subject: median(s) };
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, c) => a - c);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Heap in use, sampled every 10 ms while `fn` runs, above what it was before. */
export async function heapPeak(fn: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(0, peak - start);
}

/** A "baseline time ÷ subject time" figure with its target (at least `min`). */
export function ratioAtLeast(name: string, value: number, min: number): Metric {
  return { name, value, unit: '', target: `≥ ${min}`, met: value >= min };
}
