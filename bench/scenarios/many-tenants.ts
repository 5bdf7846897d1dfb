import type { Settings } from '@app/common';
import { tenancySettings } from '@app/tenancy';
import { percentile, median } from '../support/load-result';
import type { HttpRequestSpec } from '../support/http-load';
import { canForceGc, heapAfterGc } from '../support/memory';
import { socketsTo, watchSockets } from '../support/db-sockets';
import type { BenchSession, BenchTenant } from '../support/bench-session';
import type { Metric, Scenario } from '../support/scenario';

const KB = 1024;

/**
 * Many active tenants on one process: p95 of reads spread over N tenants against the same reads
 * on one tenant, the heap each active tenant costs, the database connections (one pool for all),
 * and what provisioning a tenant takes.
 */
export const manyTenants: Scenario = {
  name: 'many-tenants',
  description: 'reads spread over N tenants vs 1 tenant: p95, heap per tenant, connections, provisioning time',
  async run(s) {
    const n = s.options.tenants;
    const notes: string[] = [];
    const single = await s.newTenant('one');
    const singleRead = await companyRead(s, single);

    // Settle the process on one tenant first: code paths compiled, pools warm.
    await s.http([singleRead])(Math.max(s.options.warmupSec, 0.5));
    const heapBefore = await heapAfterGc();
    const socketsBefore = socketsTo(s.db.port);

    const provisionMs: number[] = [];
    const reads: HttpRequestSpec[] = [];
    const dbNames: string[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const tenant = await s.newTenant('many');
      provisionMs.push(performance.now() - t0);
      reads.push(await companyRead(s, tenant));
      dbNames.push(tenant.dbName);
      if ((i + 1) % 100 === 0) s.log(`many-tenants: ${i + 1}/${n} tenants provisioned`);
    }
    const provisioningSec = (performance.now() - started) / 1000;

    // Both sides are the API reading one company per request; every spread read must find its company.
    for (const read of [singleRead, ...reads]) {
      const res = await fetch(`${s.url}${read.path}`, { headers: read.headers });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 200 || !read.path.endsWith(`/${body.id}`)) throw new Error(`${read.path}: HTTP ${res.status}`);
    }

    const watch = watchSockets(s.db.port);
    const comparison = await s.compare(
      `reads over ${n} tenants vs 1 tenant`,
      { label: '1 tenant', run: s.http([singleRead]) },
      { label: `${n} tenants`, run: s.http(reads) },
      { metric: 'p95Ratio', bound: 1.2, text: 'p95 ≤ 1.20×' },
    );
    const peakSockets = watch.stop();
    reads.length = 0;
    const heapAfter = await heapAfterGc();
    const heapPerTenantKb = (heapAfter - heapBefore) / n / KB;

    const root = s.connections.root.getClient();
    const sharedClient = dbNames.every((db) => s.connections.database(db).getClient() === root);
    if (!canForceGc) notes.push('heap figures are rough: the process was not started with --expose-gc');
    notes.push(
      `every tenant database handle ${sharedClient ? 'shares' : 'does NOT share'} the one MongoClient ` +
        '(connection.useDb with useCache): one pool, whatever the number of tenants',
    );
    // Requests go round-robin over the tenants, so each tenant comes back every n / rate seconds:
    // with a per-entry TTL shorter than that, every spread read would pay a registry read.
    const config = s.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY);
    const ttlMs = config.TENANT_CACHE_TTL_MS;
    const revisitMs = (n / comparison.subject.opsPerSec) * 1000;
    notes.push(
      `each tenant was read again every ${Math.round(revisitMs)} ms on average; the tenant cache is kept ` +
        `current by one registry sync every ${ttlMs / 2} ms (TENANT_CACHE_TTL_MS / 2) for all tenants, so ` +
        'no spread read waited on the registry',
    );
    const sorted = [...provisionMs].sort((a, b) => a - b);
    const metrics: Metric[] = [
      {
        name: 'heap growth per active tenant',
        value: heapPerTenantKb,
        unit: 'KB',
        target: '≤ 150 KB',
        met: heapPerTenantKb <= 150,
      },
      { name: 'MongoClients (pools) for all tenants', value: sharedClient ? 1 : Number.NaN, unit: '' },
      { name: 'provisioning per tenant, median', value: median(provisionMs), unit: 'ms' },
      { name: 'provisioning per tenant, p95', value: percentile(sorted, 95), unit: 'ms' },
      { name: `provisioning ${n} tenants (+1 company each), total`, value: provisioningSec, unit: 's' },
    ];
    if (socketsBefore !== undefined && peakSockets !== undefined) {
      // The pool plus the driver's monitoring connections; a pool per tenant would need ~n.
      const poolSize = s.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY).MONGODB_POOL_SIZE;
      metrics.push(
        { name: 'DB sockets, 1 tenant warm', value: socketsBefore, unit: '' },
        {
          name: `DB sockets, peak while reading ${n} tenants`,
          value: peakSockets,
          unit: '',
          target: `≤ pool size ${poolSize} + 2 monitors`,
          met: peakSockets <= poolSize + 2,
        },
      );
    }
    return { comparisons: [comparison], metrics, notes };
  },
};

/** Creates a company in the tenant and returns the request that reads it as the tenant's admin. */
async function companyRead(s: BenchSession, tenant: BenchTenant): Promise<HttpRequestSpec> {
  const companyId = await s.newCompany(tenant);
  return { path: `/api/v1/companies/${companyId}`, headers: s.bearer(tenant) };
}
