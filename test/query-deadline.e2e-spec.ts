import { type Collection, MongoClient, ObjectId } from 'mongodb';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb, type EmbeddedMongo } from '../scripts/ferretdb';
import type { TenantFixture, TestApp } from './support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';

const REQUEST_TIMEOUT_MS = 1_000;
/** How long FerretDB's CPU is watched once the slow request has been answered. */
const WATCH_MS = 1_500;
/** Customers seeded first; more are added until a scan outlasts the deadline plus the watch. */
const CUSTOMERS = 6_000;
/** The most the suite seeds: a machine where even these scan fast fails the precondition, loudly. */
const MAX_CUSTOMERS = 30_000;
/** The scan must outlast the deadline and the watch by this much (machines vary in speed). */
const SCAN_MARGIN = 1.5;

/** CPU seconds the process has used so far (user + system), from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * A request the deadline answers with 503 must not leave its query running on the database: every
 * query carries the time the request has left (maxTimeMS), so the server stops when the client has
 * been answered. The suite runs its own FerretDB (SQLite handler, where a search scans every
 * customer) to watch that server's CPU.
 */
describe('Query deadline', () => {
  let db: EmbeddedMongo;
  let dataDir: string;
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let client: MongoClient;
  let customers: Collection;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tenant-crm-deadline-'));
    db = await startFerretDb({ dataDir });
    support = await loadAppWithEnv({ MONGODB_URI: db.uri, REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    t = await support.startTestApp();
    // Provisioned without the API: creating 22 collections and their indexes can take longer than this
    // suite's one-second request deadline on a busy machine.
    const { TenantService } = await import('../src/modules/tenant');
    const { randomSlug } = await import('@app/testing');
    const slug = randomSlug('deadline');
    await t.app.get(TenantService).create({ slug, name: `Tenant ${slug}` }, 'platform:test');
    tenant = support.tenantFixture(t, slug);
    company = await support.newCompany(tenant);
    // Its own client: the app's connections time out at the (short) request deadline.
    client = await MongoClient.connect(db.uri);
    customers = client.db(`crm_t_${tenant.slug}`).collection('customers');
    const at = new Date();
    const tokens = Array.from({ length: 150 }, (_, i) => `word${i}`);
    // A faster machine scans more customers in the same time: seed until the scan is slow enough here.
    for (let n = 0; n < MAX_CUSTOMERS; n += 1_000) {
      if (n >= CUSTOMERS && n % 3_000 === 0 && (await scanMs()) > (REQUEST_TIMEOUT_MS + WATCH_MS) * SCAN_MARGIN) break;
      await customers.insertMany(
        Array.from({ length: 1_000 }, (_, i) => ({
          _id: new ObjectId(),
          companyId: company,
          name: `Seeded ${n + i}`,
          nameSort: `seeded ${n + i}`,
          status: 'active',
          source: 'direct',
          notes: 'x'.repeat(1_000),
          tags: [],
          contacts: [],
          searchTokens: tokens,
          deletedAt: null,
          createdAt: at,
          updatedAt: at,
          version: 1,
        })),
      );
    }
  }, 300_000);

  /** How long the search's query takes the server (a full scan here), from its own client. */
  async function scanMs(): Promise<number> {
    const started = Date.now();
    await customers.find({ companyId: company, searchTokens: 'nomatch' }).toArray();
    return Date.now() - started;
  }

  afterAll(async () => {
    await t?.close();
    await client?.close();
    await db?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the database working on a query whose request was answered 503, and the next request is served', async () => {
    const search = `/api/v1/customers?companyId=${company}&q=nomatch`;
    // Precondition: the search (a full scan here) takes longer than the deadline plus the watch.
    expect(await scanMs()).toBeGreaterThan(REQUEST_TIMEOUT_MS + WATCH_MS);

    const res = await tenant.admin.get(search);
    expect(res.status).toBe(503);

    // Without the deadline on the query, FerretDB would go on scanning for about scanMs at a full core.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await cpuSeconds(db.pid);
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const used = (await cpuSeconds(db.pid)) - before;
    expect(used).toBeLessThan((WATCH_MS / 1000) * 0.3);

    await tenant.admin.get(`/api/v1/companies/${company}`).expect(200);
  }, 120_000);
});
