import { readFile } from 'node:fs/promises';
import { systemPrincipal, TenantRunner } from '@app/tenancy';
import { ScoreUpdatesListener } from '../../src/modules/analytics';
import { CustomerCountersMigration } from '../../src/modules/customer/counters/customer-counters.migration';
import { seedCustomers } from '../support/customer-seed';
import type { BenchSession } from '../support/bench-session';
import type { Metric, Scenario } from '../support/scenario';

/** Customers of one company, as a new user fills the embedded default (issue: "20,000 customers"). */
const SIZES = [1_000, 5_000, 20_000];
const SMOKE_SIZES = [200];
/** Requests per operation and size, one at a time (the scans take seconds each on FerretDB). */
const SAMPLES = 5;
const SMOKE_SAMPLES = 3;

interface Timed {
  status: number;
  ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Peak resident memory (VmHWM) of a process in MiB, from /proc; NaN when unknown. */
async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : NaN;
}

async function timed(url: string, init: RequestInit): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

/**
 * The embedded default at growing size: one company of 1,000, 5,000 and 20,000 customers (seeded
 * straight into the collection, then counted by the statistics counters' own recount), and through
 * the API, one request at a time: the company list (25), a search, a point read of a recent customer,
 * writes to recent customers (PATCH, status, tags, DELETE) and statistics. Reports p50/p95 per
 * operation and size, writes against point reads of the same customers, any non-2xx answer (503s),
 * and the peak resident memory of the FerretDB process.
 */
export const embeddedScale: Scenario = {
  name: 'embedded-scale',
  description:
    'one company at 1k/5k/20k customers: list, search, get, writes and statistics p50/p95; FerretDB peak RSS',
  async run(s) {
    const sizes = s.options.smoke ? SMOKE_SIZES : SIZES;
    const samples = s.options.smoke ? SMOKE_SAMPLES : SAMPLES;
    const metrics: Metric[] = [];
    const notes: string[] = [];
    for (const size of sizes) {
      const f = await seedCustomers(s, size, 1);
      const company = f.companyIds[0];
      await recountCounters(s, f.tenant.slug);
      const auth = { ...s.bearer(f.tenant), 'content-type': 'application/json' };
      const api = `${s.url}/api/v1/customers`;
      const collection = s.connections.root.getClient().db(f.tenant.dbName).collection('customers');
      // The most recently inserted customers: the rows a scan reaches last.
      const recent = (
        await collection
          .find({}, { projection: { _id: 1 } })
          .sort({ _id: -1 })
          .limit((samples + 1) * 4)
          .toArray()
      ).map((d) => d._id.toHexString());
      const ops: Record<string, (i: number) => Promise<Timed>> = {
        list: () => timed(`${api}?companyId=${company}&limit=25`, { headers: auth }),
        search: (i) => timed(`${api}?q=${f.rareWords[i % f.rareWords.length]}`, { headers: auth }),
        'get newest': (i) => timed(`${api}/${recent[i]}`, { headers: auth }),
        patch: (i) =>
          timed(`${api}/${recent[i]}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ notes: `n${i}` }) }),
        status: (i) =>
          timed(`${api}/${recent[samples + 1 + i]}/status`, {
            method: 'PUT',
            headers: auth,
            body: JSON.stringify({ status: 'churned' }),
          }),
        tags: (i) =>
          timed(`${api}/${recent[2 * (samples + 1) + i]}/tags`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ tags: [`bench${i}`] }),
          }),
        delete: (i) => timed(`${api}/${recent[3 * (samples + 1) + i]}`, { method: 'DELETE', headers: auth }),
        statistics: () => timed(`${api}/statistics?companyId=${company}`, { headers: auth }),
      };
      const scoring = s.app.get(ScoreUpdatesListener);
      const p50: Record<string, number> = {};
      for (const [name, op] of Object.entries(ops)) {
        await op(samples).catch(() => undefined); // warm-up, on a customer of its own (writes)
        const results: Timed[] = [];
        for (let i = 0; i < samples; i++) {
          results.push(await op(i));
          // A status change queues the customer's analytics re-score after its answer; the next sample
          // starts once that is done, so each sample times its own request, not the previous one's work.
          await scoring.idle();
        }
        const ms = results.map((r) => r.ms);
        const failed = results.filter((r) => r.status >= 300);
        p50[name] = percentile(ms, 50);
        metrics.push({ name: `${size} ${name} p50`, value: round(p50[name]), unit: 'ms' });
        metrics.push({ name: `${size} ${name} p95`, value: round(percentile(ms, 95)), unit: 'ms' });
        if (failed.length)
          notes.push(`${size} ${name}: ${failed.length} answers ${failed.map((r) => r.status).join(',')}`);
      }
      const writes = ['patch', 'status', 'tags', 'delete'].map((n) => p50[n]);
      const worst = Math.max(...writes) / p50['get newest'];
      metrics.push({
        name: `${size} write p50 ÷ get p50 (worst write)`,
        value: round(worst),
        unit: '×',
        target: '≤ 2',
        met: worst <= 2,
      });
      metrics.push({ name: `${size} FerretDB peak RSS`, value: await peakRssMb(s.db.pid), unit: 'MiB' });
      s.log(`embedded-scale: ${size} customers measured`);
    }
    if (!s.db.pid) notes.push('peak RSS not read: the server is not a FerretDB this bench started');
    return { comparisons: [], metrics, notes };
  },
};

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Seeded rows bypass the writer: the counters learn of them from their recount, as after a restore. */
async function recountCounters(s: BenchSession, slug: string): Promise<void> {
  const migration = s.app.get(CustomerCountersMigration, { strict: false });
  await s.app.get(TenantRunner).runInTenant(slug, () => migration.run(), systemPrincipal(slug, 'bench'));
}
