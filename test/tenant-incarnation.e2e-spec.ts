import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { Role } from '@app/common';
import { connectRealtime, platformToken, randomSlug, tokenFor } from '@app/testing';
import type { TestApp } from './support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';

/**
 * Tokens die with their tenant: a tenant deleted and created again under the same slug is another
 * tenant, and unexpired tokens of the old one open nothing of the new one (HTTP and sockets). And a
 * tenant can never get a database that is already someone else's.
 */
describe('Tenant incarnations', () => {
  let support: TestAppSupport;
  let t: TestApp;

  beforeAll(async () => {
    support = await loadAppWithEnv({});
    t = await support.startTestApp();
  });
  afterAll(() => t?.close());

  const platform = () => support.as(t, platformToken());
  const admin = (slug: string, extra: Record<string, unknown> = {}) =>
    signed({ sub: 'admin-user', tid: slug, roles: [Role.ADMIN], ...extra });

  it('refuses tokens of a deleted tenant once a tenant of the same slug is created again', async () => {
    const slug = randomSlug('inc');
    const first = (await platform().post('/api/v1/tenants').send({ slug, name: 'First' }).expect(201)).body;
    expect(first.uid).toMatch(/^[0-9a-f-]{36}$/);
    const oldToken = admin(slug);
    const oldBound = admin(slug, { tuid: first.uid });
    await support.as(t, oldToken).post('/api/v1/companies').send({ name: 'Old secret' }).expect(201);
    await support.as(t, oldBound).get('/api/v1/companies').expect(200);

    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
    const second = (await platform().post('/api/v1/tenants').send({ slug, name: 'Second' }).expect(201)).body;
    expect(second.uid).not.toBe(first.uid);

    for (const token of [oldToken, oldBound]) {
      const res = await support.as(t, token).get('/api/v1/companies');
      support.expectProblem(res, 401, 'auth.stale_token');
      support.expectProblem(
        await support.as(t, token).post('/api/v1/companies').send({ name: 'Planted by the old tenant' }),
        401,
        'auth.stale_token',
      );
      await expect(connectRealtime(t.url, token)).rejects.toMatchObject({
        data: expect.objectContaining({ status: 401, code: 'auth.stale_token' }),
      });
    }

    // A token of the new incarnation works, with or without its uid; a fresh token bound to the old uid does not.
    const fresh = admin(slug);
    expect((await support.as(t, fresh).get('/api/v1/companies').expect(200)).body.data).toEqual([]);
    await support
      .as(t, admin(slug, { tuid: second.uid }))
      .get('/api/v1/companies')
      .expect(200);
    support.expectProblem(
      await support.as(t, admin(slug, { tuid: first.uid })).get('/api/v1/companies'),
      401,
      'auth.stale_token',
    );
    const socket = await connectRealtime(t.url, fresh);
    socket.close();
  });

  it('refuses a tenant token without iat, or with a malformed iat or tuid', async () => {
    const slug = (await support.newTenant(t, 'inc')).slug;
    const jwt = new JwtService({ secret: process.env.AUTH_JWT_SECRET });
    const noIat = jwt.sign(
      { sub: 'u', tid: slug, roles: [Role.ADMIN] },
      { algorithm: 'HS256', issuer: 'tenant-crm', expiresIn: 60, noTimestamp: true },
    );
    support.expectProblem(await support.as(t, noIat).get('/api/v1/companies'), 401, 'auth.invalid_token');
    const now = Math.floor(Date.now() / 1000);
    for (const extra of [{ iat: 'yesterday' }, { iat: now, tuid: 42 }, { iat: now, tuid: '' }]) {
      const forged = handSigned({
        sub: 'u',
        tid: slug,
        roles: [Role.ADMIN],
        iss: 'tenant-crm',
        exp: now + 60,
        ...extra,
      });
      support.expectProblem(await support.as(t, forged).get('/api/v1/companies'), 401, 'auth.invalid_token');
    }
    // The ordinary test token (iat set, no tuid) is fine.
    await support
      .as(t, tokenFor({ tenant: slug }))
      .get('/api/v1/companies')
      .expect(200);
  });

  it("never gives a tenant the registry's, a system or another tenant's database, whatever the prefix", async () => {
    const existing = randomSlug('inc');
    await platform().post('/api/v1/tenants').send({ slug: existing, name: 'Existing' }).expect(201);

    // The same registry under other prefixes, as after a configuration change (settings are read per app).
    const startWithPrefix = async (prefix: string) => {
      process.env.TENANT_DB_PREFIX = prefix;
      try {
        return await support.startTestApp();
      } finally {
        delete process.env.TENANT_DB_PREFIX;
      }
    };
    // crm_t_ + "x…" == crm_t_x + "…": another tenant's database.
    const shifted = await startWithPrefix(`crm_t_${existing.slice(0, 4)}`);
    const upper = await startWithPrefix(`CRM_T_${existing.slice(0, 4).toUpperCase()}`);
    const short = await startWithPrefix('crm_');
    const tiny = await startWithPrefix('a');
    try {
      const create = (app: TestApp, slug: string) =>
        support.as(app, platformToken()).post('/api/v1/tenants').send({ slug, name: 'Clash' });
      const clash = await create(shifted, existing.slice(4));
      support.expectProblem(clash, 409, 'tenant.database_taken');
      expect(clash.body.detail).toContain(`tenant ${existing}`);
      support.expectProblem(await create(upper, existing.slice(4)), 409, 'tenant.database_taken');
      const registry = await create(short, 'registry');
      support.expectProblem(registry, 409, 'tenant.database_taken');
      expect(registry.body.detail).toContain('registry');
      support.expectProblem(await create(tiny, 'dmin'), 409, 'tenant.database_taken');

      // Nothing was registered, and the existing tenant is untouched.
      const slugs = (await platform().get('/api/v1/tenants').expect(200)).body.data.map((x: { id: string }) => x.id);
      expect(slugs).not.toEqual(expect.arrayContaining([existing.slice(4), 'registry', 'dmin']));
      await support.as(t, admin(existing)).get('/api/v1/companies').expect(200);
    } finally {
      await Promise.all([shifted.close(), upper.close(), short.close(), tiny.close()]);
    }
  });
});

function signed(payload: Record<string, unknown>): string {
  return new JwtService({ secret: process.env.AUTH_JWT_SECRET }).sign(payload, {
    algorithm: 'HS256',
    issuer: 'tenant-crm',
    expiresIn: 3600,
  });
}

/** Signed by hand: jsonwebtoken refuses to sign malformed registered claims, but an attacker's tool would not. */
function handSigned(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  const mac = createHmac('sha256', process.env.AUTH_JWT_SECRET ?? '')
    .update(unsigned)
    .digest('base64url');
  return `${unsigned}.${mac}`;
}
