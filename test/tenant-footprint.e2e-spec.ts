import { TenantConnectionRegistry, TenantDirectory } from '@app/tenancy';
import { footprintLine } from '../scripts/migrate';
import { newTenant, startTestApp, type TestApp } from './support/test-app';

/**
 * What `npm run migrate -- --report` says one tenant database holds is what a new tenant's database
 * holds: the same collections, each with the same number of indexes (every one a file on a MongoDB server).
 */
describe('Per-tenant footprint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches a freshly provisioned tenant database, collection by collection', async () => {
    const tenant = await newTenant(t, 'fp');
    const registry = t.app.get(TenantConnectionRegistry);
    const db = registry.database(t.app.get(TenantDirectory).dbNameFor(tenant.slug)).db!;
    const actual: Record<string, number> = {};
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
      actual[c.name] = 1 + (await db.collection(c.name).listIndexes().toArray()).length;
    }
    expect(actual).toEqual(registry.footprint().byCollection);
    process.stdout.write(`${footprintLine(registry)}\n`);
  });
});
