import { parse } from 'csv-parse/sync';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const BASE = '/api/v1/customers';

describe('GET /customers/export', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let north: string;
  let south: string;
  let companyB: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'exa'), newTenant(t, 'exb')]);
    [north, south, companyB] = await Promise.all([newCompany(a), newCompany(a), newCompany(b)]);
    // More than one page (500) of customers, through the batch route (small batches: each request
    // stays well within the request deadline on a loaded machine).
    for (let chunk = 0; chunk < 24; chunk++) {
      const operations = Array.from({ length: 25 }, (_, i) => ({
        op: 'create',
        data: { companyId: north, name: `Bulk ${chunk * 25 + i}`, status: i % 5 === 0 ? 'churned' : 'active' },
      }));
      const res = await a.member.post(`${BASE}/batch`).send({ operations }).expect(200);
      expect(res.body.results.every((r: { status: number }) => r.status === 201)).toBe(true);
    }
    await a.member
      .post(BASE)
      .send({
        companyId: south,
        name: '=HYPERLINK("http://evil.test","x")',
        email: 'tricky@south.test',
        phone: '+1 555 010 2000',
        notes: '@SUM(1+1)\nsecond line, with "quotes"; and semicolons',
        tags: ['-minus', 'a,b', 'plain'],
        assignedTo: '\tTabbed',
        externalId: '+ext-1',
        address: { city: 'Zürich', country: 'CH' },
        contacts: [{ firstName: 'Jane', lastName: '=Roe', email: 'jane@south.test', isPrimary: true }],
      })
      .expect(201);
    await b.member.post(BASE).send({ companyId: companyB, name: 'Other tenant' }).expect(201);
  }, 180_000);
  afterAll(() => t.close());

  const exportCsv = async (query: string) => {
    const res = await a.viewer.get(`${BASE}/export?${query}`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    return parse(res.text, { columns: true, bom: true }) as Array<Record<string, string>>;
  };

  it('streams every match as CSV, across pages, in id order, with the filters of the list', async () => {
    const all = await exportCsv('format=csv');
    expect(all).toHaveLength(601);
    expect(new Set(all.map((r) => r.id)).size).toBe(601);
    expect([...all.map((r) => r.id)].sort()).toEqual(all.map((r) => r.id));
    expect(all.some((r) => r.name === 'Other tenant')).toBe(false);
    const churned = await exportCsv(`companyId=${north}&status=churned`);
    expect(churned).toHaveLength(120);
    expect(churned.every((r) => r.status === 'churned' && r.companyId === north)).toBe(true);
    expect(await exportCsv('q=tricky')).toHaveLength(1);
  });

  it('neutralises formula cells (= + - @ tab CR) and keeps quotes, newlines and separators intact', async () => {
    const [row] = await exportCsv(`companyId=${south}`);
    expect(row.name).toBe('\'=HYPERLINK("http://evil.test","x")');
    expect(row.notes).toBe('\'@SUM(1+1)\nsecond line, with "quotes"; and semicolons');
    expect(row.assignedTo).toBe("'\tTabbed");
    expect(row.phone).toBe("'+15550102000");
    expect(row.externalId).toBe("'+ext-1");
    expect(JSON.parse(row.tags)).toEqual(['-minus', 'a,b', 'plain']);
    expect(JSON.parse(row.contacts)[0]).toMatchObject({ firstName: 'Jane', lastName: '=Roe', isPrimary: true });
    expect(row.city).toBe('Zürich');
  });

  it('streams NDJSON: one customer per line, exactly as GET /customers/:id answers', async () => {
    const res = await a.viewer.get(`${BASE}/export?format=ndjson&companyId=${south}`).expect(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    const got = await a.viewer.get(`${BASE}/${lines[0].id}`).expect(200);
    expect(lines[0]).toEqual(got.body);
  });

  it('answers problem+json before streaming: bad filters 400, another tenant company 404', async () => {
    expectProblem(await a.viewer.get(`${BASE}/export?format=xlsx`), 400);
    expectProblem(await a.viewer.get(`${BASE}/export?limit=5`), 400);
    expectProblem(await a.viewer.get(`${BASE}/export?companyId=${companyB}`), 404);
    const limited = a.token(undefined, { companies: [south] });
    const res = await (
      await import('supertest')
    )
      .default(t.app.getHttpServer())
      .get(`${BASE}/export`)
      .set('Authorization', `Bearer ${limited}`)
      .expect(200);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.companyId)).toEqual([south]);
  });
});
