import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '@app/common';
import { randomSlug, tokenFor } from '@app/testing';
import { newTenant, startTestApp, type TenantFixture, type TestApp } from '../support/test-app';
import { ApiFixtures, type TenantData, unique } from './support/api-fixtures';
import { type OpenApiDoc, queryParams } from './support/openapi';
import { routeKey, validBody } from './support/request-bodies';
import { type ApiRoute, fillPath, routeTable } from './support/route-table';
import { changedCollections, settledSnapshot } from './support/tenant-snapshot';

/**
 * Every route under /api/v1, read from the running application, is attacked with tenant B's token
 * and tenant A's ids (in the path, in bodies, in filters), with forged, foreign-signed and expired
 * tokens, without a token, and by A's own viewers and members above their role. Expected answers
 * follow DESIGN §4: another tenant's id is 404 (never 403), a bad token 401, a missing role 403.
 * A leak is any 2xx to an attack that must fail, any response carrying A's data, or any change to
 * A's database; the suite prints `N attacks, 0 leaks` and fails on the first leak.
 */

type Expectation =
  | { kind: 'status'; statuses: number[] }
  /** No A reference at all: any non-5xx answer, as long as nothing of A's comes back. */
  | { kind: 'no-data' }
  /** A's ids only in a filter: 404, or 200 with nothing of A's. */
  | { kind: 'filtered' };

interface Attack {
  name: string;
  route: ApiRoute;
  url: string;
  token: string | null;
  body?: Record<string, unknown>;
  expect: Expectation;
  /** The same request against B's own records, run after the attack; 2xx proves the attack could only fail by isolation. */
  control?: () => Promise<number>;
}

interface Finding {
  attack: string;
  status: number;
  reason: string;
  leak: boolean;
}

const OTHER_SECRET = 'attacker-secret-0123456789abcdef0123456789';
const ID_QUERY_PARAMS: Record<string, keyof TenantData> = {
  companyId: 'company',
  customerId: 'customer',
  leadId: 'lead',
  opportunityId: 'opportunity',
  contactId: 'contact',
  entityId: 'customer',
  pipelineId: 'pipeline',
};

describe('Cross-tenant attack suite (generated from the route table)', () => {
  let t: TestApp;
  let routes: ApiRoute[];
  let doc: OpenApiDoc;
  let fixtures: ApiFixtures;
  let a: TenantFixture;
  let b: TenantFixture;
  let aData: TenantData;
  let bCompany: string;
  let before: Record<string, string>;
  const marker = `zq${randomBytes(6).toString('hex')}`;
  const findings: Finding[] = [];
  let attacks = 0;
  let strict = 0;
  const weak: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    routes = routeTable(t);
    doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDoc;
    fixtures = new ApiFixtures(routes, doc);
    [a, b] = await Promise.all([newTenant(t, 'atka'), newTenant(t, 'atkb')]);
    aData = await fixtures.plant(a.admin, a.slug, marker);
    bCompany = await fixtures.company(b.admin, 'b-side');
    before = await settledSnapshot(t.app, a.slug);
  });

  afterAll(async () => {
    const leaks = findings.filter((f) => f.leak).length;
    console.log(
      `${attacks} attacks, ${leaks} leaks (${routes?.length ?? 0} routes; ${strict} attacks proven against a ` +
        `succeeding control; ${findings.length - leaks} contract mismatches)` +
        (weak.length
          ? `\nroutes whose control request did not succeed (add a body to request-bodies.ts): ${weak.join(', ')}`
          : ''),
    );
    await t?.close();
  });

  it('reads the route table from the running app', () => {
    const keys = routes.map(routeKey);
    expect(keys).toEqual(
      expect.arrayContaining(['GET /companies', 'GET /companies/:id', 'PATCH /companies/:id', 'DELETE /tenants/:slug']),
    );
    expect(aData.company).toMatch(/^[0-9a-f]{24}$/);
  });

  it('every attack fails the way DESIGN §4 says, and nothing of tenant A leaks', async () => {
    for (const route of routes.filter((r) => !r.isPublic)) {
      for (const attack of attacksOn(route)) {
        attacks += 1;
        const res = await send(attack.route, attack.url, attack.token, attack.body);
        let control: number | undefined;
        if (attack.control) {
          control = await attack.control();
          if (control < 300) strict += 1;
          else if (!weak.includes(routeKey(route))) weak.push(routeKey(route));
        }
        const finding = judge(attack, res, control);
        if (finding) findings.push(finding);
      }
    }
    const report = findings.map((f) => `${f.leak ? 'LEAK' : 'MISMATCH'} ${f.attack}: ${f.status} ${f.reason}`);
    expect(report).toEqual([]);
    // Hundreds of requests, growing with the route table; the whole suite shares two cores with others.
  }, 180_000);

  it("leaves tenant A's data byte-for-byte unchanged", async () => {
    const after = await settledSnapshot(t.app, a.slug);
    const changed = changedCollections(before, after);
    for (const name of changed) findings.push({ attack: 'snapshot', status: 0, reason: `${name} changed`, leak: true });
    expect(changed).toEqual([]);
    expect(Object.keys(after).length).toBeGreaterThan(1);
  });

  // ---- attack generation --------------------------------------------------------------------

  function attacksOn(route: ApiRoute): Attack[] {
    const out: Attack[] = [];
    const aUrl = urlFor(route, aData);
    const body = validBody(route, doc, { companyId: aData.company, customerId: aData.customer, unique: unique() });
    const label = (what: string) => `${route.method} ${route.path} ${what}`;
    const asA = (role: Role) => a.token(role, { user: `a-${role}` });

    // Tenant B, as admin, with tenant A's ids.
    const refsA = route.params.length > 0 || mentionsCompany(body) || aUrl.includes('?');
    let cross: Expectation;
    if (route.platformOnly) cross = { kind: 'status', statuses: [403] };
    else if (!refsA) cross = { kind: 'no-data' };
    else if (route.params.length === 0 && !mentionsCompany(body)) cross = { kind: 'filtered' };
    else cross = { kind: 'status', statuses: [404] };
    out.push({
      name: label("with tenant B's token and tenant A's ids"),
      route,
      url: aUrl,
      token: b.token(Role.ADMIN, { user: 'b-admin' }),
      body,
      expect: cross,
      control: route.platformOnly || !refsA ? undefined : () => controlInB(route),
    });

    // Tokens that must never pass, whatever the route.
    const claims = route.platformOnly ? { roles: [Role.PLATFORM] } : { tenant: a.slug, roles: [Role.ADMIN] };
    const unauthorized: Array<[string, string | null]> = [
      ['with a forged, unknown tid', tokenFor({ tenant: randomSlug('ghost'), roles: [Role.ADMIN], user: 'a-admin' })],
      [
        "with tenant A's claims signed by another secret",
        tokenFor({ ...claims, secret: OTHER_SECRET, user: 'a-admin' }),
      ],
      ["with tenant A's expired token", tokenFor({ ...claims, expiresIn: -60, user: 'a-admin' })],
      ['without a token', null],
    ];
    for (const [what, token] of unauthorized) {
      out.push({ name: label(what), route, url: aUrl, token, body, expect: { kind: 'status', statuses: [401] } });
    }

    // Tenant A's own users above their role.
    for (const role of [Role.VIEWER, Role.MEMBER]) {
      if (route.platformOnly || rank(route.minRole) > rank(role)) {
        out.push({
          name: label(`as tenant A's ${role}`),
          route,
          url: aUrl,
          token: asA(role),
          body,
          expect: { kind: 'status', statuses: [403] },
        });
      }
    }
    return out;
  }

  /** The cross-tenant request again, on fresh records of B's own. */
  async function controlInB(route: ApiRoute): Promise<number> {
    const own = await freshRecordsOfB(route);
    const res = await send(
      route,
      urlFor(route, own),
      b.token(Role.ADMIN, { user: 'b-admin' }),
      validBody(route, doc, {
        companyId: own.company,
        customerId: own.customer,
        otherCustomerId: own.otherCustomer,
        unique: unique(),
      }),
    );
    return res.status;
  }

  async function freshRecordsOfB(route: ApiRoute): Promise<TenantData> {
    const data: TenantData = { slug: b.slug, company: bCompany };
    // Company routes get a company with nothing filed under it, so delete can succeed.
    if (route.family === 'companies') data.company = await fixtures.company(b.admin, 'b-fresh');
    const wants = (name: string) => route.family === name || route.params.some((p) => p.startsWith(name.slice(0, -1)));
    const deals = ['opportunities', 'pipelines'].includes(route.family) || route.params.includes('entryId');
    const onCustomer = route.family === 'audit' || route.family === 'activities' || deals || !known(route);
    if (fixtures.has('POST', '/customers') && (wants('customers') || onCustomer)) {
      Object.assign(data, await fixtures.customer(b.admin, data.company, 'b-fresh'));
    }
    if (route.path.endsWith('/merge') && data.customer) {
      data.otherCustomer = (await fixtures.customer(b.admin, data.company, 'b-source')).customer;
    }
    if (fixtures.has('POST', '/activities') && data.customer && (wants('activities') || !known(route))) {
      data.activity = await fixtures.activity(b.admin, data.customer, 'b-fresh');
    }
    if (fixtures.has('POST', '/opportunities') && data.customer && (deals || !known(route))) {
      Object.assign(data, await fixtures.opportunity(b.admin, data.customer, 'b-fresh'));
      // Only a closed deal can be reopened.
      if (route.path.endsWith('/reopen'))
        await b.admin.post(`/api/v1/opportunities/${data.opportunity}/lost`).send({ reason: 'x' });
    }
    if (fixtures.has('POST', '/leads') && (wants('leads') || !known(route))) {
      data.lead = await fixtures.lead(b.admin, data.company, 'b-fresh');
    }
    if (fixtures.has('POST', '/webhooks') && (wants('webhooks') || !known(route))) {
      Object.assign(data, await fixtures.webhook(b.admin, 'b-fresh'));
    }
    if (fixtures.has('POST', '/api-keys') && (route.family === 'api-keys' || !known(route))) {
      data.apiKey = await fixtures.apiKey(b.admin, 'b-fresh');
    }
    if (fixtures.has('POST', '/imports') && route.family === 'imports') {
      data.import = await fixtures.import(b.admin, data.company, 'b-fresh');
    }
    if (fixtures.has('POST', '/segments') && (route.family === 'segments' || !known(route))) {
      data.segment = await fixtures.segment(b.admin, data.company, 'b-fresh');
    }
    return data;
  }

  function urlFor(route: ApiRoute, data: TenantData): string {
    const values: Record<string, string> = {};
    for (const p of route.params) values[p] = paramValue(route, p, data);
    const query = new URLSearchParams();
    if (route.method === 'GET') {
      for (const q of queryParams(doc, route)) {
        const key = ID_QUERY_PARAMS[q.name];
        const v = key ? data[key] : undefined;
        if (v) query.set(q.name, v);
      }
    }
    const qs = query.toString();
    return fillPath(route.path, values) + (qs ? `?${qs}` : '');
  }

  function judge(attack: Attack, res: request.Response, control: number | undefined): Finding | undefined {
    const f = (reason: string, leak: boolean): Finding => ({ attack: attack.name, status: res.status, reason, leak });
    // What the attacker sent may come back (`instance`, "Tag x was not found"): that is no leak.
    const sent = [
      ...attack.url.split(/[/?&=]/).map((part) => decodeURIComponent(part)),
      ...strings(attack.body),
    ].filter((part) => part.length >= 8);
    const text = sent.reduce((acc, part) => acc.split(part).join(''), res.text ?? '');
    if (text.toLowerCase().includes(marker)) return f("the response carries tenant A's data", true);
    const ids = [
      aData.company,
      aData.customer,
      aData.contact,
      aData.lead,
      aData.webhook,
      aData.delivery,
      aData.apiKey,
      aData.activity,
      aData.pipeline,
      aData.opportunity,
      aData.revenueEntry,
    ].filter((x): x is string => !!x);
    const echoed = ids.find((id) => text.includes(id));
    if (echoed) return f(`the response names tenant A's record ${echoed}, which the request did not`, true);
    if (res.status >= 500) return f('server error', false);
    const e = attack.expect;
    if (e.kind === 'no-data') return undefined;
    if (e.kind === 'filtered') {
      if (res.status === 404 || res.status === 200) return undefined;
      return f('expected 404, or 200 without tenant A data', res.status < 300);
    }
    if (res.status < 300) return f(`expected ${e.statuses.join('/')}`, true);
    if (!res.headers['content-type']?.includes('application/problem+json')) return f('not a problem+json body', false);
    // Without a succeeding control, the body may be refused before the lookup (400/422) instead of 404.
    if (control !== undefined && control >= 300 && [400, 404, 409, 422].includes(res.status)) return undefined;
    if (!e.statuses.includes(res.status)) return f(`expected ${e.statuses.join('/')}`, false);
    return undefined;
  }

  function send(route: ApiRoute, url: string, token: string | null, body?: Record<string, unknown>) {
    const server = t.app.getHttpServer();
    const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = request(server)[verb](url);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return body !== undefined && route.method !== 'GET' ? req.send(body) : req;
  }
});

function paramValue(route: ApiRoute, param: string, data: TenantData): string {
  const byFamily: Record<string, string | undefined> = {
    companies: data.company,
    customers: data.customer,
    leads: data.lead,
    tenants: data.slug,
    webhooks: data.webhook,
    'api-keys': data.apiKey,
    activities: data.activity,
    opportunities: data.opportunity,
    pipelines: data.pipeline,
    segments: data.segment,
    imports: data.import,
  };
  const direct: Record<string, string | undefined> = {
    entryId: data.revenueEntry,
    deliveryId: data.delivery,
    slug: data.slug,
    contactId: data.contact,
    tag: data.tag,
    companyId: data.company,
    customerId: data.customer,
    leadId: data.lead,
  };
  const value = param === 'id' ? byFamily[route.family] : direct[param];
  // A route this table does not know yet still gets a real id of the tenant, never a made-up one.
  return value ?? byFamily[route.family] ?? data.customer ?? data.company;
}

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function mentionsCompany(body: Record<string, unknown> | undefined): boolean {
  return body !== undefined && ['companyId', 'companyIds', 'companies', 'customerId', 'leadId'].some((k) => k in body);
}

function known(route: ApiRoute): boolean {
  return [
    'companies',
    'customers',
    'leads',
    'tenants',
    'audit',
    'webhooks',
    'api-keys',
    'activities',
    'opportunities',
    'pipelines',
    'segments',
    'imports',
  ].includes(route.family);
}

function rank(role: Role): number {
  return [Role.VIEWER, Role.MEMBER, Role.ADMIN].indexOf(role);
}
