import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '@app/common';
import { randomSlug } from '@app/testing';
import { COMMITTED_OPENAPI_FILE } from '../../src/swagger/openapi-file';
import { newCompany, newTenant, startTestApp, type TenantFixture, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const bin = (path: string) => join(ROOT, 'node_modules', path);

/**
 * What a UI team does first: generate types from the running app's /docs-json with
 * openapi-typescript, compile a small openapi-fetch client against them under `tsc --strict`, and
 * run it against the app. A document that types a field wrongly, misses a body or a status, or
 * names a route the app does not serve breaks the compile or the run.
 */
describe('OpenAPI contract: a typed client built from /docs-json alone', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t, 'contract');
    company = await newCompany(tenant);
    // Inside node_modules, so the compiled client resolves openapi-fetch like an installed app would.
    const cache = bin('.cache');
    mkdirSync(cache, { recursive: true });
    work = mkdtempSync(join(cache, 'tenant-crm-contract-'));
  });

  afterAll(async () => {
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('generates types, compiles the client under --strict, and runs create, get, If-Match update, paged filtered list and lead conversion', async () => {
    writeFileSync(join(work, 'openapi.json'), JSON.stringify(t.openapi));
    await run(process.execPath, [bin('openapi-typescript/bin/cli.js'), 'openapi.json', '-o', 'api.d.ts'], {
      cwd: work,
    });
    for (const file of ['typed-client.ts', 'tsconfig.json'])
      copyFileSync(join(__dirname, 'client', file), join(work, file));
    await run(process.execPath, [bin('typescript/bin/tsc'), '-p', work]).catch((e: { stdout?: string }) => {
      throw new Error(`the typed client does not compile against the generated types:\n${e.stdout ?? String(e)}`);
    });

    const marker = randomSlug('m').replace(/-/g, '');
    const { stdout } = await run(process.execPath, [join(work, 'typed-client.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        BASE_URL: t.url,
        TOKEN: tenant.token(Role.MEMBER),
        COMPANY_ID: company,
        MARKER: marker,
      },
    }).catch((e: { stderr?: string }) => {
      throw new Error(`the typed client failed against the app: ${e.stderr ?? String(e)}`);
    });
    const seen = JSON.parse(stdout) as {
      created: { id: string; email: string; etag: string };
      updated: { notes: string; website: null; version: number };
      stale: number;
      listed: string[];
      converted: { status: string; customerId: string; name: string; source: string };
    };
    expect(seen).toEqual({
      created: { id: expect.stringMatching(/^[0-9a-f]{24}$/), email: 'billing@acme.example', etag: '"1"' },
      updated: { notes: 'Renewal in Q3', website: null, version: 2 },
      stale: 412,
      listed: [`${marker} Acme`, `${marker} Globex`],
      converted: {
        status: 'converted',
        customerId: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: `${marker} Initech`,
        source: 'lead_conversion',
      },
    });
    // What the client saw is what the API holds.
    const customer = await tenant.viewer.get(`/api/v1/customers/${seen.converted.customerId}`).expect(200);
    expect(customer.body).toMatchObject({ industry: 'Software', size: '11-50', companyId: company });
    // Two child processes (generator, compiler) over a document that grows with every module: about 8 s of CPU,
    // several times that in wall time on a shared 2-core machine.
  }, 120_000);

  it('serves the document that is committed in openapi/openapi.json (run `npm run openapi` after changing the API)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, COMMITTED_OPENAPI_FILE), 'utf8')) as Record<string, unknown>;
    // Only the server entry differs: it names the deployment.
    expect({ ...t.openapi, servers: undefined }).toEqual({ ...committed, servers: undefined });
  });
});
