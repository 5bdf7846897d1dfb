import { median, type LoadResult } from './load-result';

/** A load loop for a given duration: an HTTP route through autocannon or a driver call loop. */
export type LoadRunner = (durationSec: number) => Promise<LoadResult>;

/** Adds the main thread's busy time per operation to whatever `run` measured. */
export function withBusyTime(run: LoadRunner): LoadRunner {
  return async (durationSec) => {
    const before = performance.eventLoopUtilization();
    const result = await run(durationSec);
    const used = performance.eventLoopUtilization(before);
    return { ...result, busyMsPerOp: result.count ? used.active / result.count : Number.NaN };
  };
}

export interface Side {
  label: string;
  run: LoadRunner;
}

export interface SideSummary {
  label: string;
  /** Medians over the rounds. */
  opsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** Median main-thread busy ms per operation; NaN where not measured. */
  busyMsPerOp: number;
  errors: number;
  rounds: LoadResult[];
}

/**
 * Subject against baseline. Ratios are subject/baseline: throughput ratio > 1 means the subject
 * is faster; p95 ratio > 1 means the subject is slower. `target` is informational only.
 */
export interface Comparison {
  name: string;
  concurrency: number;
  baseline: SideSummary;
  subject: SideSummary;
  throughputRatio: number;
  p95Ratio: number;
  /** Subject's main-thread ms per operation over the baseline's: the CPU price, > 1 is dearer. */
  busyRatio: number;
  target?: Target;
}

export interface Target {
  metric: 'throughputRatio' | 'p95Ratio';
  /** The throughput ratio must be at least this; the p95 ratio at most. */
  bound: number;
  text: string;
}

export interface CompareOptions {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  concurrency: number;
}

/**
 * Warms both sides up, then runs `rounds` rounds in ABBA order (so a slow drift of the machine
 * or the database falls on both sides alike) and compares the medians.
 */
export async function compare(
  name: string,
  baseline: Side,
  subject: Side,
  opts: CompareOptions,
  target?: Target,
): Promise<Comparison> {
  if (opts.warmupSec > 0) {
    await baseline.run(opts.warmupSec);
    await subject.run(opts.warmupSec);
  }
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    if (round % 2 === 0) {
      a.push(await baseline.run(opts.durationSec));
      b.push(await subject.run(opts.durationSec));
    } else {
      b.push(await subject.run(opts.durationSec));
      a.push(await baseline.run(opts.durationSec));
    }
  }
  const base = summariseSide(baseline.label, a);
  const subj = summariseSide(subject.label, b);
  return {
    name,
    concurrency: opts.concurrency,
    baseline: base,
    subject: subj,
    throughputRatio: subj.opsPerSec / base.opsPerSec,
    p95Ratio: subj.p95 / base.p95,
    busyRatio: subj.busyMsPerOp / base.busyMsPerOp,
    target,
  };
}

export function summariseSide(label: string, rounds: LoadResult[]): SideSummary {
  return {
    label,
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    p50: median(rounds.map((r) => r.p50)),
    p95: median(rounds.map((r) => r.p95)),
    p99: median(rounds.map((r) => r.p99)),
    busyMsPerOp: median(rounds.map((r) => r.busyMsPerOp ?? Number.NaN)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rounds,
  };
}

/** Whether a comparison meets its target; undefined when it has none. */
export function meetsTarget(c: Comparison): boolean | undefined {
  if (!c.target) return undefined;
  switch (c.target.metric) {
    case 'throughputRatio':
      return c.throughputRatio >= c.target.bound;
    case 'p95Ratio':
      return c.p95Ratio <= c.target.bound;
  }
}
