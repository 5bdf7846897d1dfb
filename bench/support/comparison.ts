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
  /** Seconds per measured round and side (stretched for slow operations, see compare()). */
  roundSec: number;
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

/** Longest measured round (and warm-up) per side, however slow the operations are. */
const MAX_ROUND_SEC = 120;
/** A round lasts at least this many times the slowest side's warm-up p95. */
const ROUND_PER_P95 = 5;

export interface CompareOptions {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  concurrency: number;
}

/**
 * Warms both sides up, then runs `rounds` rounds in ABBA order (so a slow drift of the machine
 * or the database falls on both sides alike) and compares the medians. Rounds are stretched to
 * several times the slower side's warm-up p95: autocannon drops the answers still in flight when
 * a round ends, so a round shorter than a few operations would report nothing for the API side.
 */
export async function compare(
  name: string,
  baseline: Side,
  subject: Side,
  opts: CompareOptions,
  target?: Target,
): Promise<Comparison> {
  const warmA = await warmUp(baseline, opts);
  const warmB = await warmUp(subject, opts);
  // A side whose warm-up finished nothing (NaN p95) is slower than any warm-up: it gets the longest round.
  const p95Sec = (w: LoadResult) => (w.count > 0 && Number.isFinite(w.p95) ? w.p95 / 1000 : Infinity);
  const slowestP95Sec = Math.max(p95Sec(warmA), p95Sec(warmB));
  const roundSec = Math.min(MAX_ROUND_SEC, Math.max(opts.durationSec, ROUND_PER_P95 * slowestP95Sec));
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    if (round % 2 === 0) {
      a.push(await baseline.run(roundSec));
      b.push(await subject.run(roundSec));
    } else {
      b.push(await subject.run(roundSec));
      a.push(await baseline.run(roundSec));
    }
  }
  const base = summariseSide(baseline.label, a);
  const subj = summariseSide(subject.label, b);
  return {
    name,
    concurrency: opts.concurrency,
    roundSec,
    baseline: base,
    subject: subj,
    throughputRatio: subj.opsPerSec / base.opsPerSec,
    p95Ratio: subj.p95 / base.p95,
    busyRatio: subj.busyMsPerOp / base.busyMsPerOp,
    target,
  };
}

/** Runs a side until it has completed at least one operation per connection, doubling the time. */
async function warmUp(side: Side, opts: CompareOptions): Promise<LoadResult> {
  for (let sec = Math.max(opts.warmupSec, 0.25); ; sec *= 2) {
    const result = await side.run(sec);
    if (result.count >= opts.concurrency || sec * 2 > MAX_ROUND_SEC) return result;
  }
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
