import { LeaseClaims, TenantConnectionRegistry, TenantContext, TenantRunner } from '@app/tenancy';
import { newTenant, startTestApp, type TenantFixture, type TestApp } from './support/test-app';

/** Claims on the real database: every key is won by exactly one claimer, batch or single, across instances. */
describe(LeaseClaims.name, () => {
  let t: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t, 'lease');
  });
  afterAll(() => t.close());

  const inTenant = <T>(fn: () => Promise<T>) => t.app.get(TenantRunner).runInTenant(tenant.slug, fn);
  // Separate instances share nothing in memory, like two app instances: only the leases order them.
  const claimer = () => new LeaseClaims(t.app.get(TenantConnectionRegistry), t.app.get(TenantContext));
  const leases = () =>
    inTenant(() =>
      t.app
        .get(TenantConnectionRegistry)
        .database(t.app.get(TenantContext).dbName)
        .collection<{ _id: string }>('record_locks')
        .find({ _id: { $regex: /^batch-test:/ } })
        .toArray(),
    );

  it('overlapping batches and single claims from three instances win each key exactly once', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `batch-test:${i}`);
    const [one, two, three] = [claimer(), claimer(), claimer()];
    const [a, b, singles] = await inTenant(() =>
      Promise.all([
        one.tryClaimMany(keys.slice(0, 40), 30_000),
        two.tryClaimMany(keys.slice(20), 30_000),
        Promise.all(keys.filter((_, i) => i % 3 === 0).map((k) => three.tryClaim(k, 30_000))),
      ]),
    );
    const won = [...a.keys, ...b.keys, ...singles.filter((c) => c !== null).map((c) => c.key)];
    expect(won.sort()).toEqual([...keys].sort());
    expect(new Set(won).size).toBe(won.length);
    // Taken keys are not handed out again while held.
    const again = await inTenant(() => claimer().tryClaimMany(keys, 30_000));
    expect(again.keys.size).toBe(0);

    await inTenant(async () => {
      await a.release();
      await b.release();
      for (const c of singles) await c?.release();
    });
    expect(await leases()).toEqual([]);
  });

  it('takes over expired leases in a batch, and leaves live ones', async () => {
    const [dead, live] = ['batch-test:dead', 'batch-test:live'];
    await inTenant(async () => {
      await claimer().tryClaimMany([dead], 1);
      await claimer().tryClaim(live, 30_000);
    });
    await new Promise((r) => setTimeout(r, 20));
    const batch = await inTenant(() => claimer().tryClaimMany([dead, live, 'batch-test:new'], 30_000));
    expect([...batch.keys].sort()).toEqual([dead, 'batch-test:new']);
  });
});
