import autocannon from 'autocannon';
import { parentPort, workerData } from 'node:worker_threads';
import { LatencySamples, summarise } from './load-result';
import type { HttpLoadSpec } from './http-load';

/**
 * Runs autocannon in its own thread, so the load generator does not share the event loop with
 * the application under test. Latencies go to a recorder of our own: autocannon's histogram
 * keeps whole milliseconds and has no p95.
 */
function run(spec: HttpLoadSpec): void {
  const samples = new LatencySamples();
  // One round-robin over the request list shared by all connections, so that a run of any
  // length spreads evenly over the list (autocannon's own iterator restarts it per connection).
  let next = 0;
  const pick = (req: autocannon.Request): autocannon.Request => {
    const target = spec.requests[next++ % spec.requests.length];
    return { ...req, path: target.path, headers: { ...req.headers, ...target.headers } };
  };
  autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.durationSec,
      pipelining: 1,
      timeout: 600,
      requests: [{ method: 'GET', setupRequest: pick }],
      skipAggregateResult: true,
      histograms: {
        latencies: {
          __custom: true,
          recordValue: (ms) => samples.record(ms),
          recordValueWithExpectedInterval: (ms) => samples.record(ms),
          reset: () => samples.reset(),
          destroy: () => undefined,
        },
      },
    },
    (err, raw) => {
      if (err) {
        parentPort?.postMessage({ error: err.message });
        return;
      }
      const failed = raw.errors + raw.timeouts + raw.non2xx;
      const result = summarise(samples.values(), failed, raw.duration || spec.durationSec);
      parentPort?.postMessage({ result, statusCodes: raw.statusCodeStats });
    },
  );
}

run(workerData as HttpLoadSpec);
