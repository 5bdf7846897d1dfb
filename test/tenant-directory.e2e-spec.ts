import type { Model } from 'mongoose';
import type { Settings } from '@app/common';
import { platformToken, randomSlug } from '@app/testing';
import { TenantConnectionRegistry, TenantDirectory, TenantRecord, TenantStatus, tenancySettings } from '@app/tenancy';
import type { TestApp } from './support/test-app';

// Syncs every TTL/2 must keep up even on a busy CI machine for the no-re-read assertions: give
// them 1.5 s. Set before the app module (and its validated config) is loaded below.
process.env.TENANT_CACHE_TTL_MS = '3000';
/** Propagation may take the TTL plus one slow registry read on a loaded machine. */
const READ_SLACK_MS = 1000;

/**
 * Two instances on one registry: what one changes, the other learns from its registry sync,
 * without re-reading each tenant it serves.
 */
describe(TenantDirectory.name, () => {
  let a: TestApp;
  let b: TestApp;
  let sut: TenantDirectory;
  let ttlMs: number;

  let as: typeof import('./support/test-app').as;

  beforeAll(async () => {
    const testApp = await import('./support/test-app');
    as = testApp.as;
    const startTestApp = testApp.startTestApp;
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    sut = b.app.get(TenantDirectory);
    ttlMs = b.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY).TENANT_CACHE_TTL_MS;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all([a?.close(), b?.close()]);
  });

  const platform = () => as(a, platformToken());
  const createTenant = async (slug: string) =>
    platform()
      .post('/api/v1/tenants')
      .send({ slug, name: `Tenant ${slug}` })
      .expect(201);
  /** B's registry model, to count the per-tenant reads B makes. */
  const registryModel = () => {
    const registryDb = b.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY).MONGODB_REGISTRY_DB;
    return b.app.get(TenantConnectionRegistry).database(registryDb).models.TenantRecord as Model<TenantRecord>;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Polls B's cache (never past the TTL) until `check` holds. */
  async function eventually(slug: string, check: (r: TenantRecord | null) => boolean): Promise<number> {
    const started = Date.now();
    for (;;) {
      const record = await sut.resolve(slug);
      if (check(record)) return Date.now() - started;
      if (Date.now() - started > ttlMs * 2 + READ_SLACK_MS)
        throw new Error(`B still had ${JSON.stringify(record)} for ${slug}`);
      await sleep(20);
    }
  }

  it('keeps serving a tenant from the cache past its TTL: no registry read per tenant', async () => {
    const slug = randomSlug('dir');
    await createTenant(slug);
    expect(await sut.resolve(slug)).toMatchObject({ _id: slug, status: TenantStatus.ACTIVE });
    const reads = jest.spyOn(registryModel(), 'findById');
    const until = Date.now() + ttlMs * 3;
    while (Date.now() < until) {
      expect(await sut.resolve(slug)).toMatchObject({ _id: slug });
      await sleep(25);
    }
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
  });

  it("learns another instance's suspension, removal and re-creation within the TTL", async () => {
    const slug = randomSlug('dir');
    await createTenant(slug);
    expect(await sut.resolve(slug)).toMatchObject({ status: TenantStatus.ACTIVE });
    const reads = jest.spyOn(registryModel(), 'findById');

    await platform().patch(`/api/v1/tenants/${slug}`).send({ status: 'suspended' }).expect(200);
    expect(await eventually(slug, (r) => r?.status === TenantStatus.SUSPENDED)).toBeLessThanOrEqual(
      ttlMs + READ_SLACK_MS,
    );

    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
    expect(await eventually(slug, (r) => r === null)).toBeLessThanOrEqual(ttlMs + READ_SLACK_MS);

    await createTenant(slug);
    expect(await eventually(slug, (r) => r?.status === TenantStatus.ACTIVE)).toBeLessThanOrEqual(ttlMs + READ_SLACK_MS);
    // All of it came from B's registry sync, not from re-reading the tenant.
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
  });

  it('learns of a tenant created elsewhere after it was asked for and not found', async () => {
    const slug = randomSlug('dir');
    expect(await sut.resolve(slug)).toBeNull();
    await createTenant(slug);
    expect(await eventually(slug, (r) => r?._id === slug)).toBeLessThanOrEqual(ttlMs + READ_SLACK_MS);
    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
  });

  it('reads the tenant again once its entry is older than the TTL while the registry cannot be synced', async () => {
    const slug = randomSlug('dir');
    await createTenant(slug);
    expect(await sut.resolve(slug)).toMatchObject({ _id: slug });
    const model = registryModel();
    const failingSync = jest.spyOn(model, 'find').mockImplementation(() => {
      throw new Error('registry unreachable');
    });
    const reads = jest.spyOn(model, 'findById');
    try {
      await sleep(ttlMs + 100);
      expect(await sut.resolve(slug)).toMatchObject({ _id: slug });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      failingSync.mockRestore();
      reads.mockRestore();
    }
    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
  });
});
