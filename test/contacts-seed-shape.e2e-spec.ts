import { Types } from 'mongoose';
import type { Settings } from '@app/common';
import { TenantConnectionRegistry, TenantDirectory, tenancySettings } from '@app/tenancy';
import { migrateTenantIndexes } from '../scripts/migrate';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * Contacts take the seed's shape as written: firstName, lastName, email, phone, title, isPrimary.
 * Responses carry firstName, lastName and a derived name; `name` alone is still accepted; search
 * covers first and last names; contacts stored before (with only `name`) read the same and are
 * rewritten by an idempotent step of `npm run migrate`.
 */
describe('Contacts in the seed shape', () => {
  let t: TestApp;
  let a: TenantFixture;
  let companyId: string;
  const seedContact = { firstName: 'John', lastName: 'Doe', email: 'john@acme.com', isPrimary: true };

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'seed');
    companyId = await newCompany(a);
  });
  afterAll(() => t.close());

  it("creates a customer with the seed's example contact as written, and finds it by first and last name", async () => {
    const res = await a.member
      .post('/api/v1/customers')
      .send({ companyId, name: 'Acme Corp', email: 'billing@acme.com', contacts: [seedContact] })
      .expect(201);
    expect(res.body.contacts).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        firstName: 'John',
        lastName: 'Doe',
        name: 'John Doe',
        email: 'john@acme.com',
        phone: null,
        title: null,
        isPrimary: true,
      },
    ]);
    for (const q of ['doe', 'john', 'John Doe', 'jo do']) {
      const found = await a.viewer.get(`/api/v1/customers?q=${encodeURIComponent(q)}`).expect(200);
      expect(found.body.data.map((c: { id: string }) => c.id)).toContain(res.body.id);
    }
  });

  it('creates a lead with the same contact shape, searches it, and conversion carries the names over', async () => {
    const lead = await a.member
      .post('/api/v1/leads')
      .send({ companyId, name: 'Initech deal', contacts: [seedContact, { lastName: 'Only', email: 'o@x.io' }] })
      .expect(201);
    expect(lead.body.contacts.map((c: object) => pick(c))).toEqual([
      { firstName: 'John', lastName: 'Doe', name: 'John Doe', isPrimary: true },
      { firstName: null, lastName: 'Only', name: 'Only', isPrimary: false },
    ]);
    const found = await a.viewer.get('/api/v1/leads?q=doe').expect(200);
    expect(found.body.data.map((l: { id: string }) => l.id)).toContain(lead.body.id);

    const converted = await a.member.post(`/api/v1/leads/${lead.body.id}/convert`).send({}).expect(201);
    expect(converted.body.customer.contacts.map((c: object) => pick(c))).toEqual([
      { firstName: 'John', lastName: 'Doe', name: 'John Doe', isPrimary: true },
      { firstName: null, lastName: 'Only', name: 'Only', isPrimary: false },
    ]);
  });

  it('still accepts name alone (split at the last space), and an email-only contact', async () => {
    const res = await a.member
      .post('/api/v1/customers')
      .send({
        companyId,
        name: 'Split Ltd',
        contacts: [{ name: '  Mary  Ann Smith ' }, { name: 'Cher' }, { email: 'ops@split.example' }],
      })
      .expect(201);
    expect(res.body.contacts.map((c: object) => pick(c))).toEqual([
      { firstName: 'Mary Ann', lastName: 'Smith', name: 'Mary Ann Smith', isPrimary: true },
      { firstName: 'Cher', lastName: null, name: 'Cher', isPrimary: false },
      { firstName: null, lastName: null, name: null, isPrimary: false },
    ]);
    // A contact read back and sent again as a whole (name agreeing with first and last) is fine.
    const { id: _id, ...roundTrip } = res.body.contacts[0];
    await a.member
      .post('/api/v1/customers')
      .send({ companyId, name: 'Round trip', contacts: [{ ...roundTrip, isPrimary: false }] })
      .expect(201);
  });

  it('refuses a contact with no name and no email, or whose name contradicts its first and last name', async () => {
    for (const contacts of [[{ title: 'CFO' }], [{ firstName: 'A', lastName: 'B', name: 'Someone Else' }]]) {
      const res = await a.member.post('/api/v1/customers').send({ companyId, name: 'Bad contact', contacts });
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toMatch(/^contacts\[0\]/);
      expectProblem(await a.member.post('/api/v1/leads').send({ companyId, name: 'Bad contact', contacts }), 400);
    }
  });

  it('isPrimary: true on a new contact makes it the primary in the same write; PATCH edits names', async () => {
    const c = (
      await a.member
        .post('/api/v1/customers')
        .send({ companyId, name: 'Primary Co', contacts: [{ firstName: 'First' }] })
        .expect(201)
    ).body;
    const added = await a.member
      .post(`/api/v1/customers/${c.id}/contacts`)
      .send({ firstName: 'Second', lastName: 'Person', isPrimary: true })
      .expect(201);
    expect(added.body.version).toBe(c.version + 1);
    expect(added.body.contacts.map((x: object) => pick(x))).toEqual([
      { firstName: 'First', lastName: null, name: 'First', isPrimary: false },
      { firstName: 'Second', lastName: 'Person', name: 'Second Person', isPrimary: true },
    ]);

    const second = added.body.contacts[1].id as string;
    const renamed = await a.member
      .patch(`/api/v1/customers/${c.id}/contacts/${second}`)
      .send({ lastName: 'Renamed' })
      .expect(200);
    expect(pick(renamed.body.contacts[1])).toEqual({
      firstName: 'Second',
      lastName: 'Renamed',
      name: 'Second Renamed',
      isPrimary: true,
    });
    const byName = await a.member
      .patch(`/api/v1/customers/${c.id}/contacts/${second}`)
      .send({ name: 'Whole New' })
      .expect(200);
    expect(pick(byName.body.contacts[1])).toMatchObject({ firstName: 'Whole', lastName: 'New', name: 'Whole New' });
    // Clearing every name of a contact without email would leave nobody: refused, nothing written.
    expectProblem(
      await a.member.patch(`/api/v1/customers/${c.id}/contacts/${second}`).send({ firstName: null, lastName: null }),
      400,
      'contact.identity_required',
    );
    expect((await a.viewer.get(`/api/v1/customers/${c.id}`).expect(200)).body.version).toBe(byName.body.version);
  });

  it('reads contacts stored with only a name, and npm run migrate rewrites them once (idempotent)', async () => {
    const db = t.app.get(TenantConnectionRegistry).database(t.app.get(TenantDirectory).dbNameFor(a.slug));
    const now = new Date();
    const legacyContact = (name: string, isPrimary: boolean) => ({
      _id: new Types.ObjectId(),
      name,
      email: null,
      phone: null,
      title: null,
      isPrimary,
    });
    const base = { companyId, createdAt: now, updatedAt: now, createdBy: 'old', updatedBy: 'old', version: 3 };
    const customerId = new Types.ObjectId();
    await db.collection('customers').insertOne({
      ...base,
      _id: customerId,
      name: 'Legacy Corp',
      nameSort: 'legacy corp',
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
      contacts: [legacyContact('Jane Q Roe', true), legacyContact('Solo', false)],
      totalRevenueMinor: 0,
      purchaseCount: 0,
      revenueRefs: [],
      leadId: null,
      statusHistory: [],
      searchTokens: ['legacy', 'corp', 'jane', 'roe'],
      deletedAt: null,
    });
    const leadId = new Types.ObjectId();
    await db.collection('leads').insertOne({
      ...base,
      _id: leadId,
      name: 'Legacy lead',
      nameSort: 'legacy lead',
      companyName: null,
      email: null,
      phone: null,
      website: null,
      source: 'other',
      status: 'new',
      assignedTo: null,
      tags: [],
      notes: null,
      estimatedValueMinor: null,
      contacts: [legacyContact('Old Contact', true)],
      searchTokens: [],
      customerId: null,
      convertedAt: null,
      convertedBy: null,
      deletedAt: null,
    });

    // Before the migration: served in the new shape already.
    const before = (await a.viewer.get(`/api/v1/customers/${customerId.toHexString()}`).expect(200)).body;
    expect(before.contacts.map((c: object) => pick(c))).toEqual([
      { firstName: 'Jane Q', lastName: 'Roe', name: 'Jane Q Roe', isPrimary: true },
      { firstName: 'Solo', lastName: null, name: 'Solo', isPrimary: false },
    ]);
    const leadBefore = (await a.viewer.get(`/api/v1/leads/${leadId.toHexString()}`).expect(200)).body;

    // The tenant as a release before these migrations left it: no migrations recorded, no uid.
    const registry = t.app
      .get(TenantConnectionRegistry)
      .database(t.app.get<Settings<typeof tenancySettings>>(tenancySettings.KEY).MONGODB_REGISTRY_DB);
    await registry.collection('tenants').updateOne({ _id: a.slug as never }, { $unset: { migrations: '', uid: '' } });

    const quiet = { log: () => undefined, tenants: [a.slug] };
    const first = await migrateTenantIndexes(t.app, quiet);
    expect(first).toMatchObject({ applied: [a.slug], failed: [] });
    // The records stored before externalId get their key too (see externalKeyOf); other modules' migrations
    // (opening ledger entries, default pipeline) run as well.
    expect(first.migrated).toMatchObject({
      '2026-12-contact-names-customers': 1,
      '2026-12-contact-names-leads': 1,
      '2026-12-external-keys-customers': 1,
      '2026-12-external-keys-leads': 1,
      // The customer stored behind the API's back was not counted yet: its company is recounted.
      '2026-12-customer-counters': 1,
    });
    const stored = await db.collection('customers').findOne({ _id: customerId });
    expect(stored?.contacts.map((c: Record<string, unknown>) => [c.firstName, c.lastName, c.name])).toEqual([
      ['Jane Q', 'Roe', 'Jane Q Roe'],
      ['Solo', null, 'Solo'],
    ]);
    expect(stored?.version).toBe(3);
    const storedLead = await db.collection('leads').findOne({ _id: leadId });
    expect(storedLead?.contacts[0]).toMatchObject({ firstName: 'Old', lastName: 'Contact' });

    // What clients see did not change, and a second run changes nothing.
    expect((await a.viewer.get(`/api/v1/customers/${customerId.toHexString()}`).expect(200)).body).toEqual(before);
    expect((await a.viewer.get(`/api/v1/leads/${leadId.toHexString()}`).expect(200)).body).toEqual(leadBefore);
    const tenant = await registry.collection('tenants').findOne({ _id: a.slug as never });
    expect(tenant?.uid).toMatch(/^[0-9a-f-]{36}$/);
    // The ones a new index needs run first (before the index set), then the rest.
    const order = tenant?.migrations as string[];
    expect(order.slice(0, 2)).toEqual(['2026-12-external-keys-customers', '2026-12-external-keys-leads']);
    expect(order).toEqual(
      expect.arrayContaining([
        '2026-12-contact-names-customers',
        '2026-12-contact-names-leads',
        '2026-12-customer-counters',
      ]),
    );
    // Now current: skipped. Forced, every step runs again and changes nothing.
    expect((await migrateTenantIndexes(t.app, quiet)).skipped).toEqual([a.slug]);
    const forced = await migrateTenantIndexes(t.app, { ...quiet, force: true });
    expect(forced.migrated).toMatchObject({
      '2026-12-contact-names-customers': 0,
      '2026-12-contact-names-leads': 0,
      '2026-12-external-keys-customers': 0,
      '2026-12-external-keys-leads': 0,
      '2026-12-customer-counters': 0,
    });
    expect(await db.collection('customers').findOne({ _id: customerId })).toEqual(stored);
    expect((await registry.collection('tenants').findOne({ _id: a.slug as never }))?.uid).toBe(tenant?.uid);

    // Writes keep working on the migrated record, and search finds it by the contact's last name.
    await a.member
      .post(`/api/v1/customers/${customerId.toHexString()}/contacts`)
      .send({ firstName: 'New' })
      .expect(201);
    const found = await a.viewer.get('/api/v1/customers?q=roe').expect(200);
    expect(found.body.data.map((c: { id: string }) => c.id)).toContain(customerId.toHexString());
  });
});

function pick(c: object): Record<string, unknown> {
  const { firstName, lastName, name, isPrimary } = c as Record<string, unknown>;
  return { firstName, lastName, name, isPrimary };
}
