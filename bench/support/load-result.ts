/** One timed run of a load loop: what was done, how fast, how long each operation took. */
export interface LoadResult {
  /** Completed operations per second over the run. */
  opsPerSec: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  /** Completed operations. */
  count: number;
  /** Failed operations (connection errors, timeouts, non-2xx answers, thrown errors). */
  errors: number;
  /** The first failure's message, when there were failures (driver loops). */
  firstError?: string;
  durationSec: number;
  /**
   * Milliseconds the main thread (the application, or the driver loop) was busy per completed
   * operation, from its event-loop utilisation. Unlike throughput it does not depend on how the
   * two cores are shared with FerretDB and the load generator's thread.
   */
  busyMsPerOp?: number;
}

/** The value at percentile `p` (0..100) of an ascending array, by nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Latencies (ms, any order) plus counters → a LoadResult. */
export function summarise(latencies: Float64Array, errors: number, durationSec: number): LoadResult {
  const sorted = latencies.slice().sort();
  return {
    opsPerSec: sorted.length / durationSec,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    count: sorted.length,
    errors,
    durationSec,
  };
}

/** A growable buffer of latency samples, cheap enough to record on every operation. */
export class LatencySamples {
  private data = new Float64Array(1 << 14);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = ms;
  }

  reset(): void {
    this.size = 0;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}
