import { Types } from 'mongoose';
import { TenantConnectionRegistry, TenantDirectory } from '@app/tenancy';
import { migrateTenantIndexes } from '../scripts/migrate';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('externalId on customers and leads', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let companyB: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'xia'), newTenant(t, 'xib')]);
    [companyA, companyB] = await Promise.all([newCompany(a), newCompany(b)]);
  });
  afterAll(() => t.close());

  const db = (slug: string) => t.app.get(TenantConnectionRegistry).database(t.app.get(TenantDirectory).dbNameFor(slug));

  for (const entity of ['customers', 'leads'] as const) {
    const base = `/api/v1/${entity}`;
    const code = entity === 'customers' ? 'customer.external_id_taken' : 'lead.external_id_taken';

    describe(entity, () => {
      it('is unique per tenant when set; records without one never collide', async () => {
        const one = await a.member.post(base).send({ companyId: companyA, name: 'One', externalId: ' erp-1 ' });
        expect(one.status).toBe(201);
        expect(one.body.externalId).toBe('erp-1');
        expect(one.body).not.toHaveProperty('externalKey');
        // Many without: the key is their own id, so nothing collides (FerretDB ignores sparse).
        for (let i = 0; i < 3; i++) {
          const none = await a.member.post(base).send({ companyId: companyA, name: `None ${i}` });
          expect(none.status).toBe(201);
          expect(none.body.externalId).toBeNull();
        }
        const nulls = await a.member.post(base).send({ companyId: companyA, name: 'Null', externalId: null });
        expect(nulls.status).toBe(201);
        expectProblem(
          await a.member.post(base).send({ companyId: companyA, name: 'Two', externalId: 'erp-1' }),
          409,
          code,
        );
        // Another tenant has its own namespace.
        const other = await b.member.post(base).send({ companyId: companyB, name: 'Other', externalId: 'erp-1' });
        expect(other.status).toBe(201);
      });

      it('is set, changed and cleared by PATCH; a taken one is 409 and changes nothing', async () => {
        const x = (await a.member.post(base).send({ companyId: companyA, name: 'X', externalId: 'p-x' }).expect(201))
          .body;
        const y = (await a.member.post(base).send({ companyId: companyA, name: 'Y' }).expect(201)).body;
        expectProblem(await a.member.patch(`${base}/${y.id}`).send({ externalId: 'p-x' }), 409, code);
        expect((await a.member.get(`${base}/${y.id}`).expect(200)).body).toMatchObject({
          externalId: null,
          version: 1,
        });
        await a.member.patch(`${base}/${x.id}`).send({ externalId: null }).expect(200);
        const moved = await a.member.patch(`${base}/${y.id}`).send({ externalId: 'p-x' }).expect(200);
        expect(moved.body.externalId).toBe('p-x');
        // x has none again, and can take a fresh one.
        await a.member.patch(`${base}/${x.id}`).send({ externalId: 'p-x2' }).expect(200);
      });

      it('filters lists exactly (no pattern matching)', async () => {
        await a.member.post(base).send({ companyId: companyA, name: 'F', externalId: 'f.1' }).expect(201);
        await a.member.post(base).send({ companyId: companyA, name: 'G', externalId: 'fx1' }).expect(201);
        const found = await a.viewer.get(`${base}?externalId=f.1`).expect(200);
        expect(found.body.data.map((r: { name: string }) => r.name)).toEqual(['F']);
        expect((await b.viewer.get(`${base}?externalId=f.1`).expect(200)).body.data).toEqual([]);
        expectProblem(await a.viewer.get(`${base}?externalId=${'x'.repeat(201)}`), 400);
        expectProblem(await a.member.post(base).send({ companyId: companyA, name: 'C', externalId: 'a\u0000b' }), 400);
      });
    });
  }

  it('npm run migrate gives records stored before externalId their key before the unique index is built', async () => {
    const c = await newTenant(t, 'xim');
    const companyId = await newCompany(c);
    const customers = db(c.slug).collection('customers');
    // The database as the previous release left it: no externalKey index, records without the key.
    await customers.dropIndex('externalKey_1');
    const legacy = (name: string) => ({
      _id: new Types.ObjectId(),
      companyId,
      name,
      nameSort: name.toLowerCase(),
      status: 'active',
      source: 'direct',
      email: null,
      phone: null,
      website: null,
      industry: null,
      size: null,
      address: null,
      notes: null,
      tags: [],
      assignedTo: null,
      contacts: [],
      totalRevenueMinor: 0,
      purchaseCount: 0,
      revenueRefs: [],
      leadId: null,
      statusHistory: [],
      searchTokens: [],
      deletedAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: 'old',
      updatedBy: 'old',
      version: 1,
    });
    const [old1, old2] = [legacy('Old One'), legacy('Old Two')];
    await customers.insertMany([old1, old2]);
    const report = await migrateTenantIndexes(t.app, { tenants: [c.slug], force: true, log: () => undefined });
    expect(report.failed).toEqual([]);
    expect(report.migrated['2026-12-external-keys-customers']).toBe(2);
    const keys = (await customers.find({ _id: { $in: [old1._id, old2._id] } }).toArray()).map((d) => d.externalKey);
    expect(keys.sort()).toEqual([`id:${old1._id.toHexString()}`, `id:${old2._id.toHexString()}`].sort());
    const index = (await customers.indexes()).find((i) => i.name === 'externalKey_1');
    expect(index).toMatchObject({ unique: true });
    // Old records read as before, with externalId null, and can take one.
    const got = await c.member.get(`/api/v1/customers/${old1._id.toHexString()}`).expect(200);
    expect(got.body.externalId).toBeNull();
    await c.member.patch(`/api/v1/customers/${old1._id.toHexString()}`).send({ externalId: 'legacy-1' }).expect(200);
    expectProblem(
      await c.member.patch(`/api/v1/customers/${old2._id.toHexString()}`).send({ externalId: 'legacy-1' }),
      409,
      'customer.external_id_taken',
    );
  });
});
