// autocannon ships no types; this declares the part of its API the bench uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called before every request is sent; returns the request to send. */
      setupRequest?: (req: Request) => Request;
    }

    /** A latency recorder in place of autocannon's own histogram (which keeps whole milliseconds only). */
    interface LatencyRecorder {
      __custom: true;
      recordValue(ms: number): void;
      recordValueWithExpectedInterval(ms: number, interval: number): void;
      reset(): void;
      destroy(): void;
    }

    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
      /** Seconds. */
      timeout?: number;
      requests?: Request[];
      headers?: Record<string, string>;
      skipAggregateResult?: boolean;
      histograms?: { latencies?: LatencyRecorder };
    }

    /** The raw result when `skipAggregateResult` is set or autocannon runs off the main thread. */
    interface RawResult {
      totalCompletedRequests: number;
      totalRequests: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      /** Seconds. */
      duration: number;
      statusCodeStats: Record<string, { count: number }>;
    }
  }

  function autocannon(
    opts: autocannon.Options,
    cb: (err: Error | null, result: autocannon.RawResult) => void,
  ): { stop(): void };

  export = autocannon;
}
