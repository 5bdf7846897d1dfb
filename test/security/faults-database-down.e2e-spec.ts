import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Role } from '@app/common';
import { freePort, startFerretDb, type EmbeddedMongo } from '../../scripts/ferretdb';
import type { TenantFixture, TestApp } from '../support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './support/app-with-env';
import { killHard, serverPid } from './support/ferretdb-process';
import { runLoad, until, type Outcome } from './support/load-loop';
import { countBy, percentile } from './support/stats';

// Low on purpose: a dead database must turn into a 503 within about this long.
const DB_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
/** Scheduling slack on a loaded 2-core machine; well under any "hang". */
const SLACK_MS = 1_500;

/**
 * The database process is SIGKILLed while clients write: requests get 503 problem bodies within
 * the configured timeouts, readiness goes red, and after FerretDB restarts on the same data and
 * port the service recovers by itself, with every acknowledged write present.
 */
describe('Faults: the database dies under load', () => {
  let dataDir: string;
  let port: number;
  let db: EmbeddedMongo;
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  /** The running load, stopped in afterAll too: left running after a failure it spins against a closed app. */
  let load: ReturnType<typeof runLoad> | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tenant-crm-faults-'));
    port = await freePort();
    db = await startFerretDb({ dataDir, port, logFile: join(dataDir, 'ferretdb.log') });
    support = await loadAppWithEnv({
      MONGODB_URI: db.uri,
      DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    t = await support.startTestApp();
    tenant = await support.newTenant(t, 'fault');
    company = await support.newCompany(tenant);
    // The load below writes customers: the route must be there (no quiet fallback to another one).
    await tenant.member.get(`/api/v1/customers?companyId=${company}`).expect(200);
  });

  afterAll(async () => {
    await load?.stop();
    await t?.close();
    await db?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 while it is down, goes unready, recovers by itself and keeps every acknowledged write', async () => {
    const token = tenant.token(Role.MEMBER, { user: 'writer' });
    load = runLoad(t.app, 12, (server, i) =>
      i % 4 === 3
        ? request(server).get(`/api/v1/customers?companyId=${company}&limit=5`).set('Authorization', `Bearer ${token}`)
        : request(server)
            .post('/api/v1/customers')
            .set('Authorization', `Bearer ${token}`)
            .send({ companyId: company, name: `Durable ${i}` }),
    );

    await until(
      'some writes acknowledged',
      async () => (load?.outcomes ?? []).filter((o) => o.status === 201).length >= 30,
      20_000,
    );
    const killedAt = Date.now();
    await killHard(await serverPid(db.uri));
    await db.stop(); // reaps the process and closes its log

    // Down: readiness is red and requests keep answering, with 503.
    await until(
      'readiness red',
      async () => (await request(t.app.getHttpServer()).get('/health/ready')).status === 503,
      10_000,
    );
    await until(
      '503 answers',
      async () => (load?.outcomes ?? []).some((o) => o.startedAt > killedAt && o.status === 503),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const ready = await request(t.app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);

    const restartedAt = Date.now();
    db = await startFerretDb({ dataDir, port, logFile: join(dataDir, 'ferretdb.log') });
    const recoveryMs = await until(
      'recovery (ready and writes acknowledged again)',
      async () =>
        (await request(t.app.getHttpServer()).get('/health/ready')).status === 200 &&
        (load?.outcomes ?? []).some((o) => o.startedAt > restartedAt && o.status === 201),
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const outcomes = await load.stop();
    load = undefined;

    const during = outcomes.filter((o) => o.startedAt > killedAt && o.startedAt < restartedAt);
    const failures = outcomes.filter((o) => o.status !== 201 && o.status !== 200);
    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => String(o.body.id));
    const byStatus = countBy(outcomes.map((o) => o.status));
    console.log(
      `database down: ${outcomes.length} requests (${JSON.stringify(byStatus)}); while down ${during.length} ` +
        `requests, p50 ${percentile(ms(during), 50)} ms, max ${Math.max(...ms(during))} ms; ` +
        `recovered ${recoveryMs} ms after restart; ${acknowledged.length} acknowledged writes`,
    );

    // Every failure is a 503 problem body, never a 500 or a hang.
    expect(failures.filter((o) => o.status !== 503).map(show)).toEqual([]);
    expect(failures.filter((o) => !o.contentType.includes('application/problem+json')).map(show)).toEqual([]);
    expect(during.filter((o) => o.ms > REQUEST_TIMEOUT_MS + SLACK_MS).map(show)).toEqual([]);
    expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(0);

    // Every acknowledged write survived the crash.
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await request(t.app.getHttpServer())
        .get(`/api/v1/customers/${id}`)
        .set('Authorization', `Bearer ${tenant.token(Role.ADMIN)}`);
      if (res.status !== 200) missing.push(`${id}: ${res.status}`);
    }
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(30);
    // Its own waits add up to about 95 s at most (writes 20 s, readiness 10 s, 3 s down, recovery 60 s).
  }, 120_000);
});

function ms(xs: Outcome[]): number[] {
  return xs.map((o) => o.ms);
}

function show(o: Outcome): string {
  return `${o.status} after ${o.ms} ms: ${JSON.stringify(o.body).slice(0, 200)}`;
}
