import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@app/common';
import { startFerretDb, type EmbeddedMongo } from '../../scripts/ferretdb';
import type { TestApp } from '../support/test-app';
import { loadAppWithEnv } from '../security/support/app-with-env';
import { pool } from '../security/support/stats';
import { runAutocannon, type LoadPlan, type LoadTenant, type RequestKind } from './autocannon-worker';

/**
 * Closed-loop HTTP load against the embedded stack (the app and a private FerretDB): a realistic
 * mix of 70% reads, 20% writes and 10% searches from many clients of several tenants, each client
 * request carrying the token of one of the tenant's users. Passes only with 0 errors (no non-2xx,
 * no timeouts, no socket errors); prints p50/p95/p99. `npm test` runs the 10-second version;
 * `npm run test:load` the 60-second one. Every figure is configurable:
 *
 *   LOAD_DURATION_SEC (10)  LOAD_CONNECTIONS (200)  LOAD_TENANTS (10)  LOAD_USERS_PER_TENANT (20)
 *   LOAD_RECORDS_PER_TENANT (50)  LOAD_MONGODB_URI (unset: a private FerretDB)
 *   LOAD_RESOURCE (customers; `companies` for the foundation alone)
 */
const env = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const DURATION_SEC = env('LOAD_DURATION_SEC', 10);
const CONNECTIONS = env('LOAD_CONNECTIONS', 200);
const TENANTS = env('LOAD_TENANTS', 10);
const USERS_PER_TENANT = env('LOAD_USERS_PER_TENANT', 20);
const RECORDS_PER_TENANT = env('LOAD_RECORDS_PER_TENANT', 50);

// Reads: by id and lists (70%); writes: creates and updates (20%); searches (10%).
const MIX: RequestKind[] = ['read', 'read', 'read', 'read', 'list', 'write', 'read', 'update', 'list', 'search'];
const WORDS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne'];

describe('Load: realistic mix against the embedded stack', () => {
  let dataDir: string | undefined;
  let db: EmbeddedMongo | undefined;
  let t: TestApp;
  let plan: LoadPlan;

  beforeAll(async () => {
    let uri = process.env.LOAD_MONGODB_URI;
    if (!uri) {
      dataDir = await mkdtemp(join(tmpdir(), 'tenant-crm-load-'));
      db = await startFerretDb({ dataDir, logFile: join(dataDir, 'ferretdb.log') });
      uri = db.uri;
    }
    const support = await loadAppWithEnv({ MONGODB_URI: uri, LOG_LEVEL: 'silent' });
    t = await support.startTestApp();
    // Customers unless asked otherwise; no quiet fallback to another resource.
    const resource = process.env.LOAD_RESOURCE === 'companies' ? 'companies' : 'customers';

    const tenants: LoadTenant[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const tenant = await support.newTenant(t, 'load');
      const companyIds = [await support.newCompany(tenant), await support.newCompany(tenant)];
      const recordIds = await pool(
        Array.from({ length: RECORDS_PER_TENANT }, (_, r) => async () => {
          const word = WORDS[r % WORDS.length];
          const res =
            resource === 'customers'
              ? await tenant.member
                  .post('/api/v1/customers')
                  .send({ companyId: companyIds[r % 2], name: `${word} ${r} ${tenant.slug}`, tags: [word] })
              : await tenant.admin.post('/api/v1/companies').send({ name: `${word} ${r}` });
          if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${res.text}`);
          return res.body.id as string;
        }),
        10,
      );
      tenants.push({
        // Companies are written by admins; customers by members.
        tokens: Array.from({ length: USERS_PER_TENANT }, (_, u) =>
          tenant.token(resource === 'companies' ? Role.ADMIN : Role.MEMBER, { user: `load-user-${u}` }),
        ),
        companyIds,
        recordIds,
        searchTerms: WORDS,
      });
    }
    plan = { url: t.url, connections: CONNECTIONS, durationSec: DURATION_SEC, mix: MIX, resource, tenants };
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await db?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    `${CONNECTIONS} clients for ${DURATION_SEC} s: 0 errors, p50/p95/p99 reported`,
    async () => {
      const r = await runAutocannon(plan);
      const total = Object.values(r.sent).reduce((a, b) => a + b, 0);
      const share = (kinds: RequestKind[]) =>
        Math.round((100 * kinds.reduce((a, k) => a + (r.sent[k] ?? 0), 0)) / Math.max(total, 1));
      console.log(
        `load: ${CONNECTIONS} clients x ${r.durationSec} s on ${plan.resource} of ${TENANTS} tenants: ` +
          `${r.requests} requests (${Math.round(r.requests / r.durationSec)} req/s), ` +
          `${r.errors + r.timeouts + r.non2xx} errors; latency p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms; ` +
          `mix reads ${share(['read', 'list'])}% writes ${share(['write', 'update'])}% search ${share(['search'])}%; ` +
          `statuses ${JSON.stringify(r.statusCodes)}; by kind ${JSON.stringify(r.kinds)}`,
      );
      expect({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }).toEqual({
        errors: 0,
        timeouts: 0,
        non2xx: 0,
      });
      expect(r.requests).toBeGreaterThan(CONNECTIONS);
    },
    (DURATION_SEC + 120) * 1000,
  );
});
