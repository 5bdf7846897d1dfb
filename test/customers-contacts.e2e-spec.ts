import { EventEmitter2 } from '@nestjs/event-emitter';
import { CustomerDomainEvent, CustomerEventName } from '../src/modules/customer/events/customer.events';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const BASE = '/api/v1/customers';

interface Contact {
  id: string;
  name: string;
  email: string | null;
  isPrimary: boolean;
}

describe('Customer contacts', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyId: string;
  const events: CustomerDomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'cca'), newTenant(t, 'ccb')]);
    companyId = await newCompany(a);
    t.app.get(EventEmitter2).on(CustomerEventName.CONTACTS_CHANGED, (e: CustomerDomainEvent) => events.push(e));
  });
  afterAll(() => t.close());

  const newCustomer = async (contacts: Array<{ name: string }> = []) =>
    (await a.member.post(BASE).send({ companyId, name: 'Contacted Ltd', contacts }).expect(201)).body as {
      id: string;
      contacts: Contact[];
    };
  const contactsOf = async (id: string): Promise<Contact[]> =>
    (await a.viewer.get(`${BASE}/${id}`).expect(200)).body.contacts;
  const primaries = (list: Contact[]) => list.filter((c) => c.isPrimary).map((c) => c.name);

  it('the first contact becomes primary, later ones not unless asked; ids are stable', async () => {
    const c = await newCustomer();
    const first = await a.member
      .post(`${BASE}/${c.id}/contacts`)
      .send({ name: ' Ann ', email: 'ANN@x.io', phone: '+44 20 7946 0000', title: 'CEO' })
      .expect(201);
    expect(first.body.contacts).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        firstName: 'Ann',
        lastName: null,
        name: 'Ann',
        email: 'ann@x.io',
        phone: '+442079460000',
        title: 'CEO',
        isPrimary: true,
      },
    ]);
    expect(first.headers.etag).toBe(`"${first.body.version}"`);
    await a.member.post(`${BASE}/${c.id}/contacts`).send({ name: 'Bob' }).expect(201);
    const third = await a.member.post(`${BASE}/${c.id}/contacts`).send({ name: 'Cy', isPrimary: true }).expect(201);
    expect(primaries(third.body.contacts)).toEqual(['Cy']);
    expect(third.body.contacts[0].id).toBe(first.body.contacts[0].id);
    const changed = events.filter((e) => e.customerId === c.id);
    expect(changed).toHaveLength(3);
    expect(changed[2].changes.contacts).toEqual({ from: expect.any(Array), to: third.body.contacts });
  });

  it('updates a contact partially; an unchanged update writes nothing', async () => {
    const c = await newCustomer([{ name: 'Dee' }]);
    const id = c.contacts[0].id;
    const res = await a.member
      .patch(`${BASE}/${c.id}/contacts/${id}`)
      .send({ email: 'dee@x.io', title: 'CTO' })
      .expect(200);
    expect(res.body.contacts[0]).toMatchObject({ id, name: 'Dee', email: 'dee@x.io', title: 'CTO', isPrimary: true });
    const same = await a.member.patch(`${BASE}/${c.id}/contacts/${id}`).send({ email: 'DEE@x.io' }).expect(200);
    expect(same.body.version).toBe(res.body.version);
    const cleared = await a.member.patch(`${BASE}/${c.id}/contacts/${id}`).send({ title: null }).expect(200);
    expect(cleared.body.contacts[0].title).toBeNull();
  });

  it('removing the primary promotes another; removing the last leaves none', async () => {
    const c = await newCustomer([{ name: 'P1' }, { name: 'P2' }, { name: 'P3' }]);
    const [p1, p2, p3] = c.contacts;
    const afterRemove = await a.member.delete(`${BASE}/${c.id}/contacts/${p1.id}`).expect(200);
    expect(primaries(afterRemove.body.contacts)).toEqual(['P2']);
    await a.member.delete(`${BASE}/${c.id}/contacts/${p3.id}`).expect(200);
    const last = await a.member.delete(`${BASE}/${c.id}/contacts/${p2.id}`).expect(200);
    expect(last.body.contacts).toEqual([]);
  });

  it('make primary clears the old primary in the same write; making the primary primary is a no-op', async () => {
    const c = await newCustomer([{ name: 'Old' }, { name: 'New' }]);
    const res = await a.member.post(`${BASE}/${c.id}/contacts/${c.contacts[1].id}/primary`).expect(200);
    expect(primaries(res.body.contacts)).toEqual(['New']);
    const again = await a.member.post(`${BASE}/${c.id}/contacts/${c.contacts[1].id}/primary`).expect(200);
    expect(again.body.version).toBe(res.body.version);
  });

  it('concurrent make-primary calls leave exactly one primary, the last one applied', async () => {
    const c = await newCustomer(Array.from({ length: 6 }, (_, i) => ({ name: `C${i}` })));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        c.contacts.map((p) => a.member.post(`${BASE}/${c.id}/contacts/${p.id}/primary`)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
      const now = await contactsOf(c.id);
      expect(primaries(now)).toHaveLength(1);
      // Each answer saw exactly one primary too: no response ever shows an intermediate state.
      for (const r of results) expect(primaries(r.body.contacts)).toHaveLength(1);
      const last = results.reduce((x, y) => (y.body.version > x.body.version ? y : x));
      expect(primaries(now)).toEqual(primaries(last.body.contacts));
    }
  });

  it('concurrent adds, removes and make-primary keep one primary and lose no contact', async () => {
    const c = await newCustomer([{ name: 'Seed' }]);
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        a.member.post(`${BASE}/${c.id}/contacts`).send({ name: `Add${i}`, isPrimary: i % 2 === 0 }),
      ),
      a.member.post(`${BASE}/${c.id}/contacts/${c.contacts[0].id}/primary`),
    ]);
    const now = await contactsOf(c.id);
    expect(now.map((p) => p.name).sort()).toEqual(['Add0', 'Add1', 'Add2', 'Add3', 'Add4', 'Seed']);
    expect(primaries(now)).toHaveLength(1);
    await Promise.all(now.slice(0, 4).map((p) => a.member.delete(`${BASE}/${c.id}/contacts/${p.id}`)));
    const rest = await contactsOf(c.id);
    expect(rest).toHaveLength(2);
    expect(primaries(rest)).toHaveLength(1);
  });

  it('contacts feed the search: names and emails', async () => {
    const c = await newCustomer([{ name: 'Zebulon Quixote' }]);
    await a.member.post(`${BASE}/${c.id}/contacts`).send({ name: 'Other', email: 'xylophone@band.io' }).expect(201);
    for (const q of ['zebu', 'QUIX', 'xyloph', 'xylophone@band']) {
      const res = await a.viewer.get(`${BASE}?q=${encodeURIComponent(q)}`).expect(200);
      expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    }
    const removed = (await contactsOf(c.id)).find((p) => p.name === 'Zebulon Quixote') as Contact;
    await a.member.delete(`${BASE}/${c.id}/contacts/${removed.id}`).expect(200);
    expect((await a.viewer.get(`${BASE}?q=zebulon`).expect(200)).body.data).toEqual([]);
  });

  it('refuses bad input (400), unknown contacts (404), and a 51st contact (422), changing nothing', async () => {
    const c = await newCustomer([{ name: 'Only' }]);
    const id = c.contacts[0].id;
    for (const body of [
      {},
      { name: '' },
      { name: 3 },
      { name: { $gt: '' } },
      { name: 'X', email: 'bad' },
      { name: 'X', role: 'boss' },
    ]) {
      expectProblem(await a.member.post(`${BASE}/${c.id}/contacts`).send(body), 400);
    }
    for (const body of [{ name: null }, { isPrimary: true }, { email: { $ne: 1 } }]) {
      expectProblem(await a.member.patch(`${BASE}/${c.id}/contacts/${id}`).send(body), 400);
    }
    expectProblem(
      await a.member.patch(`${BASE}/${c.id}/contacts/not-an-id`).send({ name: 'x' }),
      400,
      'request.invalid_id',
    );
    expectProblem(
      await a.member.delete(`${BASE}/${c.id}/contacts/000000000000000000000000`),
      404,
      'customer.contact_not_found',
    );
    expectProblem(
      await a.member.post(`${BASE}/${c.id}/contacts/000000000000000000000000/primary`),
      404,
      'customer.contact_not_found',
    );
    const full = await newCustomer(Array.from({ length: 50 }, (_, i) => ({ name: `F${i}` })));
    expectProblem(
      await a.member.post(`${BASE}/${full.id}/contacts`).send({ name: 'One too many' }),
      422,
      'contact.too_many',
    );
    expect(await contactsOf(full.id)).toHaveLength(50);
    expect(await contactsOf(c.id)).toEqual(c.contacts);
  });

  it('another tenant can not touch the contacts (404) and they stay as they were', async () => {
    const c = await newCustomer([{ name: 'Mine' }, { name: 'Also Mine' }]);
    const [p1, p2] = c.contacts;
    for (const res of await Promise.all([
      b.admin.post(`${BASE}/${c.id}/contacts`).send({ name: 'Theirs' }),
      b.admin.patch(`${BASE}/${c.id}/contacts/${p1.id}`).send({ name: 'Theirs' }),
      b.admin.delete(`${BASE}/${c.id}/contacts/${p1.id}`),
      b.admin.post(`${BASE}/${c.id}/contacts/${p2.id}/primary`),
    ])) {
      expectProblem(res, 404, 'customer.not_found');
    }
    expect(await contactsOf(c.id)).toEqual(c.contacts);
  });
});
