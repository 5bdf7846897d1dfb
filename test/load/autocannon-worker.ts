import { Worker } from 'node:worker_threads';

/** One kind of request in the mix and what it may address. */
export type RequestKind = 'read' | 'list' | 'write' | 'update' | 'search';

/** Per-tenant material the load draws on: tokens of its users and ids of its records. */
export interface LoadTenant {
  tokens: string[];
  companyIds: string[];
  recordIds: string[];
  searchTerms: string[];
}

export interface LoadPlan {
  url: string;
  connections: number;
  durationSec: number;
  /** Cycled in order over all connections together: its proportions are the mix. */
  mix: RequestKind[];
  /** `customers` once that module exists, `companies` before. */
  resource: 'customers' | 'companies';
  tenants: LoadTenant[];
}

export interface LoadReport {
  requests: number;
  durationSec: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  sent: Record<string, number>;
  /** Latency per request kind, measured from setupRequest to onResponse. */
  kinds: Record<string, { count: number; p50: number; p95: number; p99: number }>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/*
 * Plain JavaScript evaluated in a worker thread, so that autocannon does not share the event loop
 * with the application under test (jest loads this file through ts-jest; a worker cannot).
 */
const WORKER_SOURCE = `
const { parentPort, workerData: plan } = require('node:worker_threads');
const autocannon = require('autocannon');
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const latencies = [];
const byKind = {};
const sent = {};
let n = 0;
let seq = 0;
const base = '/api/v1/' + plan.resource;
function build(req, context) {
  const kind = plan.mix[n++ % plan.mix.length];
  sent[kind] = (sent[kind] || 0) + 1;
  context.kind = kind;
  context.startedAt = performance.now();
  const t = pick(plan.tenants);
  const headers = { authorization: 'Bearer ' + pick(t.tokens), 'content-type': 'application/json' };
  const companyId = pick(t.companyIds);
  const unique = Date.now().toString(36) + '-' + (seq++).toString(36);
  switch (kind) {
    case 'read':
      return { ...req, method: 'GET', path: base + '/' + pick(t.recordIds), headers, body: undefined };
    case 'list':
      return {
        ...req, method: 'GET', headers, body: undefined,
        path: plan.resource === 'customers' ? base + '?companyId=' + companyId + '&limit=25' : base,
      };
    case 'search':
      return {
        ...req, method: 'GET', headers, body: undefined,
        path: plan.resource === 'customers' ? base + '?q=' + encodeURIComponent(pick(t.searchTerms)) + '&limit=25' : base,
      };
    case 'write':
      return {
        ...req, method: 'POST', path: base, headers,
        body: JSON.stringify(plan.resource === 'customers'
          ? { companyId, name: pick(t.searchTerms) + ' load ' + unique, tags: ['load'] }
          : { name: 'Load ' + unique }),
      };
    default:
      return {
        ...req, method: 'PATCH', path: base + '/' + pick(t.recordIds), headers,
        body: JSON.stringify(plan.resource === 'customers' ? { notes: 'touched ' + unique } : { description: 'touched ' + unique }),
      };
  }
}
const instance = autocannon({
  url: plan.url,
  connections: plan.connections,
  duration: plan.durationSec,
  pipelining: 1,
  timeout: 30,
  requests: [{
    method: 'GET',
    setupRequest: build,
    onResponse: (_status, _body, context) => {
      (byKind[context.kind] = byKind[context.kind] || []).push(performance.now() - context.startedAt);
    },
  }],
}, (err, result) => {
  if (err) { parentPort.postMessage({ error: err.message }); return; }
  const at = (xs, p) => xs.length ? xs[Math.min(xs.length - 1, Math.ceil(p / 100 * xs.length) - 1)] : NaN;
  latencies.sort((a, b) => a - b);
  const kinds = {};
  for (const [kind, xs] of Object.entries(byKind)) {
    xs.sort((a, b) => a - b);
    kinds[kind] = { count: xs.length, p50: Math.round(at(xs, 50)), p95: Math.round(at(xs, 95)), p99: Math.round(at(xs, 99)) };
  }
  const statusCodes = {};
  for (const [code, s] of Object.entries(result.statusCodeStats || {})) statusCodes[code] = s.count;
  parentPort.postMessage({ report: {
    requests: latencies.length, durationSec: result.duration, kinds,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx,
    statusCodes, sent,
    p50: Math.round(at(latencies, 50)), p95: Math.round(at(latencies, 95)), p99: Math.round(at(latencies, 99)),
    max: Math.round(latencies[latencies.length - 1] || NaN),
  } });
});
instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
`;

/** Runs the plan with autocannon in a worker thread; resolves with its figures. */
export function runAutocannon(plan: LoadPlan): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: plan });
    worker.once('message', (reply: { report?: LoadReport; error?: string }) => {
      void worker.terminate();
      if (reply.report) resolve(reply.report);
      else reject(new Error(`autocannon: ${reply.error ?? 'no result'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`load worker exited with code ${code}`));
    });
  });
}
