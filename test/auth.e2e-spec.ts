import { Role } from '@app/common';
import { randomSlug, tokenFor } from '@app/testing';
import { as, expectProblem, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Authentication and roles', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t, 'auth');
  });
  afterAll(() => t.close());

  const call = (token: string | null) => as(t, token).get('/api/v1/companies');

  it('accepts a valid tenant token', async () => {
    await call(tenant.token(Role.VIEWER)).expect(200);
  });

  it.each([
    ['no token', null, 'auth.missing_token'],
    ['a malformed token', 'not-a-jwt', 'auth.invalid_token'],
    [
      'a token signed with another secret',
      tokenFor({ secret: 'another-secret-0123456789abcdef0123' }),
      'auth.invalid_token',
    ],
    ['an expired token', tokenFor({ expiresIn: -10 }), 'auth.token_expired'],
    ['a token from another issuer', tokenFor({ issuer: 'elsewhere' }), 'auth.invalid_token'],
    ['a token with unknown roles', tokenFor({ roles: ['root'] }), 'auth.invalid_token'],
    ['a token without tenant or platform role', tokenFor({ roles: [Role.ADMIN] }), 'auth.no_tenant'],
  ])('answers 401 to %s', async (_label, token, code) => {
    expectProblem(await call(token), 401, code);
  });

  it('refuses a token whose tenant does not exist', async () => {
    const res = await call(tokenFor({ tenant: randomSlug('ghost'), roles: [Role.ADMIN] }));
    expectProblem(res, 401, 'auth.unknown_tenant');
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await as(t, null).get('/api/v1/companies').set('Authorization', 'Basic abc');
    expectProblem(res, 401, 'auth.invalid_token');
  });

  it('takes the tenant from the token, never from a header', async () => {
    const other = await newTenant(t, 'hdr');
    await other.admin.post('/api/v1/companies').send({ name: 'Other secret' }).expect(201);
    const res = await tenant.viewer.get('/api/v1/companies').set('X-Tenant-Id', other.slug).expect(200);
    expect(res.body.data.map((c: { name: string }) => c.name)).not.toContain('Other secret');
  });

  it('enforces roles: viewer reads, admin writes companies', async () => {
    expectProblem(await tenant.viewer.post('/api/v1/companies').send({ name: 'Nope' }), 403, 'auth.role_required');
    expectProblem(await tenant.member.post('/api/v1/companies').send({ name: 'Nope' }), 403, 'auth.role_required');
    await tenant.admin
      .post('/api/v1/companies')
      .send({ name: `Yes ${randomSlug()}` })
      .expect(201);
  });

  it('health and docs need no token', async () => {
    await as(t, null).get('/health').expect(200, { status: 'ok' });
    const ready = await as(t, null).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
    const doc = await as(t, null).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/companies', '/api/v1/tenants']));
    expect(doc.body.components.securitySchemes.bearer).toBeDefined();
  });
});
