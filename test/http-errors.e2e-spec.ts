import { expectProblem, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Problem details for bad requests', () => {
  let t: TestApp;
  let a: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'err');
  });
  afterAll(() => t.close());

  it('unknown route: 404 problem', async () => {
    expectProblem(await a.admin.get('/api/v1/nothing-here'), 404, 'route.not_found');
  });

  it('invalid JSON: 400 problem', async () => {
    const res = await a.admin.post('/api/v1/companies').set('Content-Type', 'application/json').send('{"name": ');
    expectProblem(res, 400, 'request.invalid_json');
  });

  it('body over the limit: 413 problem', async () => {
    const res = await a.admin.post('/api/v1/companies').send({ name: 'x', description: 'y'.repeat(200_000) });
    expectProblem(res, 413, 'request.body_too_large');
  });

  it('wrong content type: 415 problem', async () => {
    const res = await a.admin.post('/api/v1/companies').set('Content-Type', 'text/plain').send('name=x');
    expectProblem(res, 415, 'request.unsupported_media_type');
  });

  it('keeps a well-formed caller request id and answers with it', async () => {
    const res = await a.admin.get('/api/v1/companies/zzz').set('X-Request-Id', 'trace-12345678');
    expectProblem(res, 400);
    expect(res.body.requestId).toBe('trace-12345678');
  });

  it('never echoes stack traces or driver messages', async () => {
    const res = await a.admin.post('/api/v1/companies').send({ name: 'x', description: ['a'] });
    expectProblem(res, 400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|Mongo|Cast to/);
  });

  it('sets security headers', async () => {
    const res = await a.admin.get('/api/v1/companies').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
