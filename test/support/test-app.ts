import type { INestApplication, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { Role } from '@app/common';
import { platformToken, randomSlug, tokenFor } from '@app/testing';
import { TenantConnectionRegistry, TenantDirectory } from '@app/tenancy';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { ResponseChecker } from './response-check';

export interface TestApp {
  app: INestApplication;
  url: string;
  /** Every route the HTTP server registered (`GET /api/v1/customers/:id`), as Fastify saw it. */
  routes: ServedRoute[];
  /** The OpenAPI document the app serves at /docs-json. */
  openapi: OpenApiDocument;
  /** Holds answers to that document; `as()` applies it to every request it makes. */
  responses: ResponseChecker;
  close(): Promise<void>;
}

export type OpenApiDocument = ConstructorParameters<typeof ResponseChecker>[0];

export interface ServedRoute {
  method: string;
  path: string;
}

/**
 * The production module and setup, listening on a free port against the test database. `customise`
 * may override providers; `extraModules` are imported beside AppModule (test-only modules).
 */
export async function startTestApp(
  customise: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b,
  extraModules: Type[] = [],
): Promise<TestApp> {
  const moduleRef = await customise(Test.createTestingModule({ imports: [AppModule, ...extraModules] })).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  const routes: ServedRoute[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, path: route.url });
    });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const openapi = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDocument;
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    routes,
    openapi,
    responses: new ResponseChecker(openapi),
    close: () => app.close(),
  };
}

/**
 * supertest with a bearer token set on every request, and every answer held to the OpenAPI
 * document: an undocumented status, media type or field fails the request's assertions.
 */
export function as(t: TestApp, token: string | null) {
  const server = t.app.getHttpServer();
  const auth = (r: request.Test) => {
    const checked = r.expect((res: request.Response) => t.responses.assert(documentedAnswer(res)));
    return token ? checked.set('Authorization', `Bearer ${token}`) : checked;
  };
  return {
    get: (path: string) => auth(request(server).get(path)),
    post: (path: string) => auth(request(server).post(path)),
    put: (path: string) => auth(request(server).put(path)),
    patch: (path: string) => auth(request(server).patch(path)),
    delete: (path: string) => auth(request(server).delete(path)),
  };
}

export type Client = ReturnType<typeof as>;

/** The parts of a supertest answer the document check reads. */
function documentedAnswer(res: request.Response) {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  return { method: req.method, path: req.path, status: res.status, headers: res.headers, text: res.text ?? '' };
}

/** A freshly provisioned tenant with clients for each role. */
export interface TenantFixture {
  slug: string;
  admin: Client;
  member: Client;
  viewer: Client;
  token(role?: Role, extra?: { user?: string; companies?: string[] }): string;
}

/** A tenant's own database, straight through the driver (to look at or seed what the API does not show). */
export function tenantDatabase(t: TestApp, slug: string) {
  return t.app.get(TenantConnectionRegistry).database(t.app.get(TenantDirectory).dbNameFor(slug));
}

export async function newTenant(t: TestApp, prefix = 't'): Promise<TenantFixture> {
  const slug = randomSlug(prefix);
  await as(t, platformToken())
    .post('/api/v1/tenants')
    .send({ slug, name: `Tenant ${slug}` })
    .expect(201);
  return tenantFixture(t, slug);
}

/** Tokens and clients of an existing tenant (one provisioned without the API, say). */
export function tenantFixture(t: TestApp, slug: string): TenantFixture {
  const token = (role: Role = Role.ADMIN, extra: { user?: string; companies?: string[] } = {}) =>
    tokenFor({ tenant: slug, roles: [role], user: extra.user ?? `${role}-user`, companies: extra.companies });
  return {
    slug,
    token,
    admin: as(t, token(Role.ADMIN)),
    member: as(t, token(Role.MEMBER)),
    viewer: as(t, token(Role.VIEWER)),
  };
}

export async function newCompany(tenant: TenantFixture, name = `Company ${randomSlug('c')}`): Promise<string> {
  const res = await tenant.admin.post('/api/v1/companies').send({ name }).expect(201);
  return res.body.id as string;
}

/** Asserts an RFC 9457 problem body with the given status. */
export function expectProblem(res: request.Response, status: number, code?: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(res.body.requestId).toEqual(expect.any(String));
  expect(res.body.instance).toEqual(expect.any(String));
  if (code) expect(res.body.code).toBe(code);
}
