import fc from 'fast-check';
import request from 'supertest';
import { Role } from '@app/common';
import type { Schema } from 'mongoose';
import type { Settings } from '@app/common';
import { tokenFor } from '@app/testing';
import { TenantConnectionRegistry, TenantDirectory, tenancySettings } from '@app/tenancy';
import { newTenant, startTestApp, type TenantFixture, type TestApp } from '../support/test-app';
import { ApiFixtures, type TenantData, unique } from './support/api-fixtures';
import { bodySchema, type JsonSchema, type OpenApiDoc, queryParams, resolve } from './support/openapi';
import { routeKey, validBody } from './support/request-bodies';
import { type ApiRoute, fillPath, routeTable } from './support/route-table';
import { changedCollections, settledSnapshot } from './support/tenant-snapshot';

/**
 * Property-based bad input against every write route and every documented query string of the
 * running application (read from its route table and OpenAPI document): unknown fields, operator
 * objects, `$`/`.` keys, wrong types, huge strings and arrays, deep nesting, invalid ids, broken
 * JSON, wrong content types and bodies over the limit. Each must get a 4xx problem+json answer;
 * none a 5xx; and the tenant's stored data must be byte-for-byte what it was. Ids in paths are
 * real records of the tenant, so a bad request that got through would change something visible.
 */

const SEED = 20_240_601;
const BODY_LIMIT_BYTES = 100 * 1024;

interface BadRequest {
  category: string;
  route: ApiRoute;
  url: string;
  contentType?: string;
  /** Sent verbatim (already serialised). */
  raw?: string;
  /** Accepted statuses; default: any 4xx. */
  statuses?: number[];
  /** Valid-but-hostile input (regex metacharacters in a search): 200 is fine, 5xx is not. */
  mayPass?: boolean;
}

const OPERATORS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { $in: ['a', 'b'] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $function: { body: 'function(){return true}', args: [], lang: 'js' } },
];
const BAD_KEYS = [
  '$set',
  '$where',
  '$gt',
  '$',
  'a.b',
  'name.first',
  '$unset.x',
  '__proto__',
  'constructor',
  'prototype',
];
const METACHAR_SEARCHES = [
  '(a+)+$',
  '(a|aa)+$',
  '(.*a){20}',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '.*.*.*.*.*.*=',
  '[',
  '\\',
  '(?=a)',
  'a{1,100000}',
  '*',
  '+?',
  '$where',
  '^$|.*',
  'a'.repeat(30) + '!',
  '\u0000',
  '%',
  '(?<x>a)\\k<x>',
];

function nested(depth: number, array: boolean): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}

describe('Bad input (property-based, generated from the route table)', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let data: TenantData;
  let routes: ApiRoute[];
  let doc: OpenApiDoc;
  let before: Record<string, string>;
  /** A second company, so that renaming one to the other's name can be tried. */
  let otherCompany: { id: string; name: string };
  /** An externalId a customer and a lead of the tenant hold, so that taking it can be tried. */
  let takenExternalId: string;
  const counts = { requests: 0, mayPass: 0, serverErrors: 0, byCategory: new Map<string, number>() };
  const unexpected: string[] = [];
  let partialWrites = -1;

  beforeAll(async () => {
    t = await startTestApp();
    routes = routeTable(t);
    doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDoc;
    tenant = await newTenant(t, 'fuzz');
    data = await new ApiFixtures(routes, doc).plant(tenant.admin, tenant.slug, `fz${unique()}`);
    const other = await tenant.admin
      .post('/api/v1/companies')
      .send({ name: `Other Company ${unique()}` })
      .expect(201);
    otherCompany = { id: other.body.id, name: other.body.name };
    takenExternalId = `ext-${unique()}`;
    for (const entity of ['customers', 'leads']) {
      await tenant.admin
        .post(`/api/v1/${entity}`)
        .send({ companyId: otherCompany.id, name: `Holder ${unique()}`, externalId: takenExternalId })
        .expect(201);
    }
    before = await settledSnapshot(t.app, tenant.slug);
  });

  afterAll(async () => {
    const by = [...counts.byCategory].map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      `${counts.requests} requests, ${counts.serverErrors} server errors, ${Math.max(partialWrites, 0)} partial writes` +
        `\n(${counts.requests - counts.mayPass} must be refused, ${counts.mayPass} hostile but valid may pass; ${by})`,
    );
    await t?.close();
  });

  // ---- routes and the values that make an otherwise valid request -------------------------

  const bodyRoutes = (): ApiRoute[] => routes.filter((r) => r.write && r.method !== 'DELETE' && !!bodySchema(doc, r));
  const rawRoutes = (): ApiRoute[] => routes.filter((r) => r.write && r.method !== 'DELETE');
  const idRoutes = (): ApiRoute[] => routes.filter((r) => r.params.some(isIdParam));
  const queryRoutes = (): ApiRoute[] => routes.filter((r) => r.method === 'GET' && queryParams(doc, r).length > 0);

  function realUrl(route: ApiRoute, override: Record<string, string> = {}): string {
    const values: Record<string, string> = {};
    for (const p of route.params) {
      values[p] =
        override[p] ??
        {
          slug: data.slug,
          contactId: data.contact,
          tag: data.tag,
          deliveryId: data.delivery,
          entryId: data.revenueEntry,
        }[p] ??
        {
          companies: data.company,
          customers: data.customer,
          leads: data.lead,
          tenants: data.slug,
          webhooks: data.webhook,
          'api-keys': data.apiKey,
          activities: data.activity,
          opportunities: data.opportunity,
          pipelines: data.pipeline,
        }[route.family] ??
        data.company ??
        data.company;
    }
    return fillPath(route.path, values);
  }

  function baseBody(route: ApiRoute): Record<string, unknown> {
    return validBody(route, doc, { companyId: data.company, customerId: data.customer, unique: unique() }) ?? {};
  }

  /** Names of the body's documented fields (and of the base body's), with their schemas. */
  function fields(route: ApiRoute): Array<[string, JsonSchema]> {
    const schema = bodySchema(doc, route) ?? {};
    const names = new Set([...Object.keys(schema.properties ?? {}), ...Object.keys(baseBody(route))]);
    return [...names].map((n) => [n, resolve(doc, schema.properties?.[n] ?? {})]);
  }

  const pick = <T>(xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

  // ---- generators ----------------------------------------------------------------------------

  /** A JSON body: a valid base with one field (or key) made bad. */
  function bodyArb(category: string, mutate: (route: ApiRoute) => fc.Arbitrary<Record<string, unknown>>) {
    return pick(bodyRoutes()).chain((route) =>
      mutate(route).map((body): BadRequest => ({ category, route, url: realUrl(route), raw: JSON.stringify(body) })),
    );
  }

  const withField = (route: ApiRoute, value: (schema: JsonSchema, name: string) => fc.Arbitrary<unknown>) =>
    pick(fields(route)).chain(([name, schema]) => value(schema, name).map((v) => ({ ...baseBody(route), [name]: v })));

  const wrongTypeFor = (s: JsonSchema): fc.Arbitrary<unknown> => {
    const obj = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), { minKeys: 1, maxKeys: 3 });
    switch (s.type) {
      case 'integer':
      case 'number':
        return fc.oneof(
          fc.constantFrom('abc', '', '1e999', 'NaN'),
          fc.boolean(),
          obj,
          fc.array(fc.integer(), { minLength: 1 }),
        );
      case 'boolean':
        return fc.oneof(fc.constantFrom('yes', 'true ', ''), fc.integer({ min: 2 }), obj);
      case 'array':
        return fc.oneof(
          fc.integer(),
          fc.boolean(),
          obj,
          fc.array(fc.oneof(fc.integer(), obj), { minLength: 1, maxLength: 3 }),
        );
      case 'object':
        return fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer(), { minLength: 1, maxLength: 3 }));
      default:
        return fc.oneof(
          fc.integer(),
          // Not infinite: JSON.stringify writes Infinity as null, which nullable fields accept.
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          obj,
          fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
        );
    }
  };

  const ARBS: Record<string, () => fc.Arbitrary<BadRequest>> = {
    'unknown field': () =>
      bodyArb('unknown field', (route) => {
        const known = new Set(fields(route).map(([n]) => n));
        return fc
          .tuple(
            fc.string({ minLength: 1, maxLength: 24 }).filter((k) => !known.has(k) && k !== '__proto__'),
            fc.jsonValue(),
          )
          .map(([k, v]) => ({ ...baseBody(route), [k]: v }));
      }),
    'operator object as value': () =>
      bodyArb('operator object as value', (route) => withField(route, () => pick(OPERATORS))),
    'key with $ or .': () =>
      bodyArb('key with $ or .', (route) =>
        fc.oneof(
          // At the top level, and inside each object-typed field (addresses, contacts).
          fc.tuple(pick(BAD_KEYS), fc.jsonValue()).map(([k, v]) => ({ ...baseBody(route), [k]: v })),
          withField(route, (s) =>
            pick(BAD_KEYS).map((k) => (s.type === 'array' ? [{ [k]: 1 }] : { [k]: { $gt: '' } })),
          ),
        ),
      ),
    'wrong type': () => bodyArb('wrong type', (route) => withField(route, (s) => wrongTypeFor(s))),
    'huge string or array': () =>
      bodyArb('huge string or array', (route) =>
        withField(route, (s) =>
          s.type === 'array'
            ? fc.integer({ min: 1_000, max: 8_000 }).map((n) => Array.from({ length: n }, (_, i) => `t${i}`))
            : // Longer than any field allows: past its documented maxLength (long texts like an activity body allow more).
              fc.integer({ min: Math.max(6_000, (s.maxLength ?? 0) + 1), max: 90_000 }).map((n) => 'x'.repeat(n)),
        ),
      ),
    'deep nesting': () =>
      bodyArb('deep nesting', (route) =>
        fc.oneof(
          withField(route, () =>
            fc.tuple(fc.integer({ min: 50, max: 3_000 }), fc.boolean()).map(([d, a]) => nested(d, a)),
          ),
          fc.integer({ min: 50, max: 3_000 }).map((d) => ({ ...baseBody(route), deep: nested(d, false) })),
        ),
      ),
    'invalid id in body': () =>
      bodyArb('invalid id in body', (route) => {
        // Only fields the document says are record ids: `userId` (a token subject) is free text.
        const idFields = fields(route).filter(([n, schema]) => /Id$/.test(n) && schema.pattern === '^[0-9a-f]{24}$');
        const invalid = fc.oneof(
          fc.string({ maxLength: 30 }).filter((s) => !/^[0-9a-f]{24}$/.test(s)),
          fc.constantFrom('0'.repeat(23), 'g'.repeat(24), '0'.repeat(25), 'ZZZZZZZZZZZZZZZZZZZZZZZZ', ' '.repeat(24)),
        );
        return idFields.length
          ? pick(idFields).chain(([n]) => invalid.map((v) => ({ ...baseBody(route), [n]: v })))
          : invalid.map((v) => ({ ...baseBody(route), companyId: v }));
      }),
    'invalid JSON': () =>
      fc
        .tuple(
          pick(rawRoutes()),
          fc.oneof(
            fc.constantFrom(
              '{',
              '{"name": ',
              '{"a":1,}',
              "{'a':1}",
              '{"a":1}}',
              'undefined',
              'NaN',
              '[1,2',
              '{"a":"\\x"}',
              '\u0000',
            ),
            fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !isJson(s)),
          ),
        )
        .map(([route, raw]) => ({ category: 'invalid JSON', route, url: realUrl(route), raw, statuses: [400] })),
    'JSON that is not an object': () =>
      fc
        .tuple(pick(bodyRoutes()), fc.constantFrom('[]', '[{}]', '"text"', '123', 'null', 'true', '[{"$where":"1"}]'))
        .map(([route, raw]) => ({ category: 'JSON that is not an object', route, url: realUrl(route), raw })),
    'wrong content type': () =>
      fc
        .tuple(
          pick(rawRoutes()),
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/javascript',
            'text/json',
          ),
        )
        .map(([route, contentType]) => ({
          category: 'wrong content type',
          route,
          url: realUrl(route),
          contentType,
          raw: JSON.stringify(baseBody(route)),
          statuses: [415],
        })),
    'body over the limit': () =>
      fc
        .tuple(pick(rawRoutes()), fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 4 * BODY_LIMIT_BYTES }))
        .map(([route, size]) => ({
          category: 'body over the limit',
          route,
          url: realUrl(route),
          raw: JSON.stringify({ ...baseBody(route), pad: 'x'.repeat(size) }),
          statuses: [413],
        })),
    'invalid id in path': () =>
      pick(idRoutes()).chain((route) =>
        fc
          .tuple(
            pick(route.params.filter(isIdParam)),
            fc.oneof(
              fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/^[0-9a-f]{24}$/.test(s) && s.trim() !== ''),
              fc.constantFrom(
                'zzz',
                '0'.repeat(23),
                'F'.repeat(24),
                '{"$gt":""}',
                '[$ne]=1',
                '..',
                '%00',
                'null',
                'undefined',
              ),
            ),
          )
          .map(([param, value]): BadRequest => ({
            category: 'invalid id in path',
            route,
            url: realUrl(route, { [param]: value }),
            raw: route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify(baseBody(route)),
            statuses: [400],
          })),
      ),
    'bad query string': () =>
      pick(queryRoutes()).chain((route) => {
        const params = queryParams(doc, route);
        const one = pick(params).chain(({ name, schema }) =>
          fc.oneof(
            // qs (extended parser) turns brackets into objects: operator injection through the URL.
            pick(['$ne', '$gt', '$regex', '$where', '$exists']).map((op) => `${name}[${op}]=1`),
            fc.constant(`${name}[][$where]=1`),
            ...badQueryValues(name, schema).map((v) => fc.constant(`${name}=${encodeURIComponent(v)}`)),
          ),
        );
        const unknownParam = fc.oneof(
          fc.constantFrom('foo=1', '$where=1', 'a.b=1', 'a[b]=1', 'limit[$gt]=0'),
          fc
            .string({ minLength: 1, maxLength: 12 })
            .filter((s) => /^[a-z]+$/i.test(s) && !params.some((p) => p.name === s) && !(s in Object.prototype))
            .map((s) => `${s}=1`),
        );
        // The query parser drops keys that name Object.prototype members before the app sees them;
        // they may pass (200), but must pollute nothing (checked at the end).
        const prototypeKeys = fc
          .constantFrom('__proto__[polluted]=1', 'constructor[prototype][polluted]=1', 'toString=1', 'hasOwnProperty=1')
          .map((qs) => ({ qs, mayPass: true }));
        return fc
          .oneof(
            fc.oneof(one, unknownParam).map((qs) => ({ qs, mayPass: false })),
            prototypeKeys,
          )
          .map(({ qs, mayPass }): BadRequest => ({
            category: 'bad query string',
            route,
            url: `${realUrl(route)}?${qs}`,
            mayPass,
          }));
      }),
    'regex metacharacters in q': () =>
      pick(queryRoutes().filter((r) => queryParams(doc, r).some((p) => p.name === 'q'))).chain((route) =>
        fc.oneof(pick(METACHAR_SEARCHES), fc.string({ minLength: 1, maxLength: 60 })).map((q): BadRequest => ({
          category: 'regex metacharacters in q',
          route,
          url: `${realUrl(route)}?q=${encodeURIComponent(q)}`,
          mayPass: true,
        })),
      ),
  };

  const RUNS: Record<string, number> = {
    'unknown field': 60,
    'operator object as value': 60,
    'key with $ or .': 60,
    'wrong type': 70,
    'huge string or array': 30,
    'deep nesting': 30,
    'invalid id in body': 30,
    'invalid JSON': 30,
    'JSON that is not an object': 20,
    'wrong content type': 25,
    'body over the limit': 15,
    'invalid id in path': 60,
    'bad query string': 80,
    'regex metacharacters in q': 40,
  };

  // ---- the property ---------------------------------------------------------------------------

  async function send(bad: BadRequest): Promise<request.Response> {
    const verb = bad.route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const platform = bad.route.platformOnly;
    const user = `fuzz-${counts.requests % 5}`;
    const token = platform ? tokenFor({ roles: [Role.PLATFORM], user }) : tenant.token(Role.ADMIN, { user });
    let req = request(t.app.getHttpServer())[verb](bad.url).set('Authorization', `Bearer ${token}`);
    if (bad.raw !== undefined) req = req.set('Content-Type', bad.contentType ?? 'application/json').send(bad.raw);
    return req;
  }

  async function check(bad: BadRequest): Promise<boolean> {
    const res = await send(bad);
    counts.requests += 1;
    if (bad.mayPass) counts.mayPass += 1;
    counts.byCategory.set(bad.category, (counts.byCategory.get(bad.category) ?? 0) + 1);
    if (res.status >= 500) counts.serverErrors += 1;
    const problem = String(res.headers['content-type'] ?? '').includes('application/problem+json');
    const ok = bad.mayPass
      ? res.status === 200 || (res.status >= 400 && res.status < 500 && problem)
      : res.status >= 400 && res.status < 500 && problem && (!bad.statuses || bad.statuses.includes(res.status));
    if (!ok) {
      const shown = bad.raw && bad.raw.length > 300 ? `${bad.raw.slice(0, 300)}… (${bad.raw.length} chars)` : bad.raw;
      unexpected.push(
        `${bad.category}: ${bad.route.method} ${bad.url.slice(0, 200)} ${shown ?? ''} -> ${res.status} ${res.text.slice(0, 300)}`,
      );
    }
    return ok;
  }

  it.each(Object.keys(ARBS))('%s: 4xx problem+json every time', async (category) => {
    const arbFactory = ARBS[category];
    const candidates =
      category === 'invalid id in path'
        ? idRoutes()
        : category === 'bad query string'
          ? queryRoutes()
          : category === 'regex metacharacters in q'
            ? queryRoutes().filter((r) => queryParams(doc, r).some((p) => p.name === 'q'))
            : category.startsWith('invalid JSON') ||
                category.startsWith('wrong content') ||
                category.startsWith('body over')
              ? rawRoutes()
              : bodyRoutes();
    // Every category has routes to aim at: one that found none would pass without sending anything.
    if (candidates.length === 0) throw new Error(`${category}: no route to aim at, so nothing would be tested`);
    const already = unexpected.length;
    // Every failure is collected (rather than stopping at the first) so one run shows them all.
    await fc.assert(
      fc.asyncProperty(arbFactory(), async (bad) => {
        await check(bad);
      }),
      { seed: SEED, numRuns: RUNS[category] },
    );
    expect(unexpected.slice(already)).toEqual([]);
  });

  /**
   * Every unique index of the tenant databases and the registry, and the requests that write a
   * duplicate into it; an index no route writes says why. A module that adds a unique index and no
   * case here fails the first assertion.
   */
  const DUPLICATES: Record<string, (() => BadRequest)[]> = {
    'companies nameKey': [
      () => ({
        category: 'duplicate',
        route: routeOf('POST', '/companies'),
        url: '/api/v1/companies',
        raw: JSON.stringify({ name: otherCompany.name.toUpperCase() }),
        statuses: [409],
      }),
      () => ({
        category: 'duplicate',
        route: routeOf('PATCH', '/companies/:id'),
        url: `/api/v1/companies/${data.company}`,
        raw: JSON.stringify({ name: ` ${otherCompany.name.toLowerCase()} ` }),
        statuses: [409],
      }),
    ],
    ...Object.fromEntries(
      (['customers', 'leads'] as const).map((entity) => [
        `${entity} externalKey`,
        [
          () => ({
            category: 'duplicate',
            route: routeOf('POST', `/${entity}`),
            url: `/api/v1/${entity}`,
            raw: JSON.stringify({ companyId: data.company, name: 'Same external id', externalId: takenExternalId }),
            statuses: [409],
          }),
          () => ({
            category: 'duplicate',
            route: routeOf('PATCH', `/${entity}/:id`),
            url: `/api/v1/${entity}/${(entity === 'customers' ? data.customer : data.lead) ?? ''}`,
            raw: JSON.stringify({ externalId: ` ${takenExternalId} ` }),
            statuses: [409],
          }),
        ],
      ]),
    ),
    'tenants _id': [
      () => ({
        category: 'duplicate',
        route: routeOf('POST', '/tenants'),
        url: '/api/v1/tenants',
        raw: JSON.stringify({ slug: tenant.slug, name: 'Same slug' }),
        statuses: [409],
      }),
    ],
  };
  const NOT_WRITTEN_BY_ROUTES: Record<string, string> = {
    'realtime_events companyId,seq': 'seq is allocated by the server',
    'tenants dbName': 'derived from the slug; a clash through another prefix is test/tenant-incarnation.e2e-spec.ts',
    'api_keys hash': 'the SHA-256 of a key the server generates from 256 random bits',
    'revenue_entries key':
      'a repeated reference is the de-duplication itself (200, counted once): test/revenue-ledger.e2e-spec.ts',
  };

  function routeOf(method: string, path: string): ApiRoute {
    const route = routes.find((r) => r.method === method && r.path === `/api/v1${path}`);
    if (!route) throw new Error(`no route ${method} ${path}`);
    return route;
  }

  /** `collection keys` of every unique index (and the registry's `_id`, which names a tenant). */
  function uniqueIndexes(): string[] {
    const connections = t.app.get(TenantConnectionRegistry);
    const dbName = t.app.get(TenantDirectory).dbNameFor(tenant.slug);
    const registryDb = t.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY).MONGODB_REGISTRY_DB;
    const schemas: Schema[] = [
      ...connections.modelNames().map((name) => connections.model(dbName, name).schema),
      connections.database(registryDb).models.TenantRecord.schema,
    ];
    const out = ['tenants _id'];
    for (const schema of schemas) {
      for (const [keys, options] of schema.indexes()) {
        if (options?.unique) out.push(`${String(schema.get('collection'))} ${Object.keys(keys).join(',')}`);
      }
    }
    return out.sort();
  }

  it('duplicate: every unique field a route writes answers 409 problem+json, never 5xx', async () => {
    const indexes = uniqueIndexes();
    expect(indexes.filter((i) => !(i in DUPLICATES) && !(i in NOT_WRITTEN_BY_ROUTES))).toEqual([]);
    expect(Object.keys(DUPLICATES).filter((i) => !indexes.includes(i))).toEqual([]);
    const already = unexpected.length;
    for (const cases of Object.values(DUPLICATES)) for (const make of cases) await check(make());
    expect(unexpected.slice(already)).toEqual([]);
  });

  it('sent at least 500 bad requests, none answered 5xx, and nothing was written', async () => {
    const after = await settledSnapshot(t.app, tenant.slug);
    const changed = changedCollections(before, after);
    partialWrites = changed.length;
    expect({ serverErrors: counts.serverErrors, changed }).toEqual({ serverErrors: 0, changed: [] });
    expect(counts.requests - counts.mayPass).toBeGreaterThanOrEqual(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(routes.map(routeKey)).toEqual(expect.arrayContaining(['POST /companies', 'PATCH /companies/:id']));
  });
});

function isIdParam(name: string): boolean {
  return name === 'id' || /Id$/.test(name);
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Values a documented query parameter must refuse, from its schema and name. */
function badQueryValues(name: string, s: JsonSchema): string[] {
  const out = ['x'.repeat(5_000)];
  if (s.enum?.length) out.push('not-a-member', `${String(s.enum[0])}x`);
  if (s.type === 'integer' || s.type === 'number') out.push('abc', '-1', '0', '1e9', '1.5', '100000000000000000000');
  if (s.format === 'date-time' || /since|at$/i.test(name)) out.push('not-a-date', '2024-13-45T99:00:00Z');
  if (/Id$/.test(name)) out.push('zzz', '0'.repeat(23), '{"$gt":""}');
  if (name === 'cursor') out.push('garbage', 'eyJhIjoxfQ', '%%%');
  if (name === 'sort') out.push('$natural', 'password', '-');
  return out;
}
