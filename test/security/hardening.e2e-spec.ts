import request from 'supertest';
import { Role } from '@app/common';
import { closeAll, connectRealtime, type RealtimeSocket } from '@app/testing/realtime-client';
import type { TenantFixture, TestApp } from '../support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './support/app-with-env';
import { captureLogs, type LogCapture } from './support/log-capture';

const ALLOWED_ORIGIN = 'https://crm.example.test';
const PUBLIC_URL = 'https://api.crm.example.test/crm';

/**
 * Security headers, CORS from config, the body limit, error bodies without internals, and logs
 * (at LOG_LEVEL=info) that never contain a bearer token or a customer's personal data.
 */
describe('Hardening', () => {
  let logs: LogCapture;
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const sockets: RealtimeSocket[] = [];

  beforeAll(async () => {
    logs = captureLogs();
    support = await loadAppWithEnv({
      LOG_LEVEL: 'info',
      CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.test`,
      BODY_LIMIT: '4kb',
      PUBLIC_URL,
    });
    t = await support.startTestApp();
    tenant = await support.newTenant(t, 'hard');
    company = await support.newCompany(tenant);
  });

  afterAll(async () => {
    closeAll(sockets);
    await t?.close();
    logs?.restore();
  });

  const server = () => t.app.getHttpServer();

  it('sets helmet security headers and hides the framework', async () => {
    const res = await tenant.viewer.get('/api/v1/companies').expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'content-security-policy': "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Error answers carry them too.
    const problem = await request(server()).get('/api/v1/companies');
    expect(problem.status).toBe(401);
    expect(problem.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives Swagger UI a policy that works over plain HTTP from another host; the document keeps the API one', async () => {
    const policy = (res: request.Response) =>
      Object.fromEntries(
        String(res.headers['content-security-policy'])
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      ) as Record<string, string[]>;
    const page = await request(server()).get('/docs').set('Host', 'crm-box.lan:3000').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const res of [
      page,
      ...(await Promise.all(
        scripts.map((s) => request(server()).get(new URL(s, 'http://h/docs').pathname).expect(200)),
      )),
    ]) {
      const csp = policy(res);
      // The page's own assets over the scheme it was loaded with: no upgrade to https://.
      expect(csp['upgrade-insecure-requests']).toBeUndefined();
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(csp['img-src']).toEqual(["'self'", 'data:']);
      expect(csp['connect-src']).toEqual(["'self'", 'https://api.crm.example.test']);
      expect(csp['object-src']).toEqual(["'none'"]);
    }
    // Every inline script would be blocked by script-src 'self': the page has none.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const doc = await request(server()).get('/docs-json').expect(200);
    expect(policy(doc)['default-src']).toEqual(["'none'"]);
    expect(doc.body.servers).toEqual([expect.objectContaining({ url: PUBLIC_URL })]);
  });

  it('allows cross-origin calls only from the configured origins', async () => {
    const preflight = (origin: string) =>
      request(server())
        .options('/api/v1/companies')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const other = await preflight('https://evil.example.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const actual = await tenant.viewer.get('/api/v1/companies').set('Origin', ALLOWED_ORIGIN).expect(200);
    expect(actual.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(actual.headers['access-control-expose-headers']).toEqual(expect.stringContaining('RateLimit-Remaining'));
    const foreign = await tenant.viewer.get('/api/v1/companies').set('Origin', 'https://evil.example.test');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses bodies over BODY_LIMIT with 413 and accepts those under it', async () => {
    await tenant.admin
      .post('/api/v1/companies')
      .send({ name: 'Small', description: 'x'.repeat(1_000) })
      .expect(201);
    const res = await tenant.admin.post('/api/v1/companies').send({ name: 'Big', description: 'x'.repeat(5_000) });
    support.expectProblem(res, 413, 'request.body_too_large');
  });

  it('never puts stack traces, file paths or driver messages in an error body', async () => {
    const answers = await Promise.all([
      tenant.admin.get('/api/v1/companies/not-an-id'),
      tenant.admin.post('/api/v1/companies').send({ name: { $gt: '' } }),
      tenant.admin.post('/api/v1/companies').set('Content-Type', 'application/json').send('{"name": "x",'),
      tenant.admin.post('/api/v1/customers').send({ companyId: company, name: 'x', email: 'not-an-email' }),
      request(server()).get('/api/v1/companies').set('Authorization', 'Bearer a.b.c'),
      tenant.admin.get('/api/v1/customers?limit=abc'),
    ]);
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toMatch(
        /\bat \S+ \(|\.ts:\d+|node_modules|Mongo\w*Error|E11000|Cast to|ValidationError:|stack/,
      );
    }
  });

  it('logs at info level without bearer tokens or personal data', async () => {
    const email = `pii.${Date.now()}@example.test`;
    const phone = '+15550199887';
    const secretName = `Private Person ${Date.now()}`;
    const adminToken = tenant.token(Role.ADMIN, { user: 'log-admin' });
    const admin = support.as(t, adminToken);
    const created = await admin
      .post('/api/v1/customers')
      .send({
        companyId: company,
        name: secretName,
        email,
        phone,
        contacts: [{ name: secretName, email }],
      })
      .expect(201);
    await admin.get(`/api/v1/customers?q=${encodeURIComponent(email)}`).expect(200);
    await admin.get(`/api/v1/customers?q=${encodeURIComponent(secretName)}`).expect(200);
    await admin
      .patch(`/api/v1/customers/${created.body.id as string}`)
      .send({ email: `new.${email}` })
      .expect(200);
    await admin.post('/api/v1/customers').send({ companyId: company, name: secretName, email: 'broken' }).expect(400);
    // A forged token and an expired one are logged as rejections, never verbatim.
    const forged = `${adminToken.slice(0, -4)}AAAA`;
    await request(server()).get('/api/v1/companies').set('Authorization', `Bearer ${forged}`).expect(401);
    const socket = await connectRealtime(t.url, adminToken);
    sockets.push(socket);
    await new Promise((r) => setTimeout(r, 300)); // let pino flush

    const text = logs.text();
    // The capture works: request lines with paths are there.
    expect(text).toContain('/api/v1/customers');
    const signature = (token: string) => token.split('.')[2];
    for (const secret of [adminToken, forged, signature(adminToken), signature(forged), email, phone, secretName]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(text.toLowerCase()).not.toContain(email.toLowerCase());
  });
});
