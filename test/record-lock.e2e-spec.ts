import { LEASE_RENEW_MS, RecordLock, TenantConnectionRegistry, TenantContext, TenantRunner } from '@app/tenancy';
import { newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Counter {
  _id: string;
  n: number;
}

describe(RecordLock.name, () => {
  let t: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t, 'lock');
  });
  afterAll(() => t.close());

  /** Read-modify-write of one counter, as a naive writer would do it. */
  async function incrementThrough(lock: RecordLock, times: number): Promise<void> {
    const connections = t.app.get(TenantConnectionRegistry);
    const context = t.app.get(TenantContext);
    await Promise.all(
      Array.from({ length: times }, () =>
        t.app.get(TenantRunner).runInTenant(tenant.slug, () =>
          lock.run('counter:1', async () => {
            const col = connections.database(context.dbName).collection<Counter>('lock_counters');
            const row = await col.findOne({ _id: 'counter:1' });
            await new Promise((r) => setTimeout(r, 1));
            await col.updateOne({ _id: 'counter:1' }, { $set: { n: (row?.n ?? 0) + 1 } }, { upsert: true });
          }),
        ),
      ),
    );
  }

  it('serialises writers of one record across two instances (separate in-process queues)', async () => {
    const connections = t.app.get(TenantConnectionRegistry);
    const context = t.app.get(TenantContext);
    // Two RecordLocks share nothing in memory, like two app instances: only the lease can order them.
    const one = new RecordLock(connections, context);
    const two = new RecordLock(connections, context);
    await Promise.all([incrementThrough(one, 15), incrementThrough(two, 15)]);
    const final = await t.app
      .get(TenantRunner)
      .runInTenant(tenant.slug, () =>
        connections.database(context.dbName).collection<Counter>('lock_counters').findOne({ _id: 'counter:1' }),
      );
    expect(final?.n).toBe(30);
    const leftover = await t.app
      .get(TenantRunner)
      .runInTenant(tenant.slug, () => connections.database(context.dbName).collection('record_locks').countDocuments());
    expect(leftover).toBe(0);
  });

  it('holds a lease document while it runs, on every server (no server-specific path), and is re-entrant', async () => {
    const lock = t.app.get(RecordLock);
    const connections = t.app.get(TenantConnectionRegistry);
    const context = t.app.get(TenantContext);
    const seen = await t.app.get(TenantRunner).runInTenant(tenant.slug, () =>
      lock.run('lease:1', async () => {
        const leases = connections.database(context.dbName).collection('record_locks');
        const held = await leases.find({}).toArray();
        // The holder's own chain re-enters without waiting for itself (a conversion writing its lead).
        const inner = await lock.run('lease:1', async () => 'inner');
        return { held: held.map((l) => l._id), inner };
      }),
    );
    expect(seen).toEqual({ held: ['lease:1'], inner: 'inner' });
    const left = await t.app
      .get(TenantRunner)
      .runInTenant(tenant.slug, () => connections.database(context.dbName).collection('record_locks').countDocuments());
    expect(left).toBe(0);
  });

  it('renews its lease while long work runs (a merge outlives one lease period only while its holder is alive)', async () => {
    const lock = t.app.get(RecordLock);
    const connections = t.app.get(TenantConnectionRegistry);
    const context = t.app.get(TenantContext);
    const [first, later] = await t.app.get(TenantRunner).runInTenant(tenant.slug, () =>
      lock.run('long:1', async () => {
        const leases = connections
          .database(context.dbName)
          .collection<{ _id: string; expiresAt: Date }>('record_locks');
        const before = (await leases.findOne({ _id: 'long:1' }))?.expiresAt.getTime() ?? 0;
        await new Promise((r) => setTimeout(r, LEASE_RENEW_MS + 500));
        const after = (await leases.findOne({ _id: 'long:1' }))?.expiresAt.getTime() ?? 0;
        return [before, after];
      }),
    );
    expect(later - first).toBeGreaterThanOrEqual(LEASE_RENEW_MS - 100);
  }, 20_000);

  it('a failing holder releases the record for the next writer', async () => {
    const lock = t.app.get(RecordLock);
    const runner = t.app.get(TenantRunner);
    await expect(
      runner.runInTenant(tenant.slug, () => lock.run('r', () => Promise.reject(new Error('boom')))),
    ).rejects.toThrow('boom');
    await expect(runner.runInTenant(tenant.slug, () => lock.run('r', async () => 'next'))).resolves.toBe('next');
  });
});
