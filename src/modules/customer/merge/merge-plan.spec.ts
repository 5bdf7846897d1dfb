import { Types } from 'mongoose';
import { CustomerSource, CustomerStatus, MAX_TAGS } from '../customer.enums';
import type { CustomerLean } from '../schemas/customer.schema';
import { mergePlan } from './merge-plan';

const contact = (email: string | null, isPrimary = false) => ({
  _id: new Types.ObjectId(),
  firstName: 'P',
  lastName: null,
  name: 'P',
  email,
  phone: null,
  title: null,
  isPrimary,
});

function customer(extra: Partial<CustomerLean> = {}): CustomerLean {
  return {
    _id: new Types.ObjectId(),
    companyId: 'c',
    name: 'Acme',
    nameSort: 'acme',
    status: CustomerStatus.ACTIVE,
    source: CustomerSource.DIRECT,
    email: null,
    phone: null,
    website: null,
    industry: null,
    size: null,
    address: null,
    notes: null,
    externalId: null,
    externalKey: 'k',
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
    createdBy: 'u',
    updatedBy: 'u',
    version: 1,
    ...extra,
  };
}

describe(mergePlan.name, () => {
  it('keeps the survivor, fills its empty fields from the first source with a value, or as prefer says', () => {
    const s = customer({ name: 'Acme', email: 'a@acme.com', notes: '  ' });
    const x = customer({ name: 'ACME Corp', email: 'x@acme.com', phone: '+15550100199' });
    const y = customer({ phone: '+15550100000', notes: 'from y', industry: 'Tools' });
    const plan = mergePlan(s, [x, y]);
    expect(plan.set).toEqual({ phone: '+15550100199', notes: 'from y', industry: 'Tools' });
    expect(plan.changes.phone).toEqual({ from: null, to: '+15550100199' });
    const preferred = mergePlan(s, [x, y], { name: x._id.toHexString(), phone: y._id.toHexString() });
    expect(preferred.set).toMatchObject({ name: 'ACME Corp', phone: '+15550100000' });
  });

  it('unions contacts by email with the survivor primary as the one primary, and tags', () => {
    const mine = contact('ann@acme.com', true);
    const s = customer({ contacts: [mine], tags: ['vip'] });
    const x = customer({ contacts: [contact('ANN@acme.com'), contact('bob@acme.com', true)], tags: ['east', 'vip'] });
    const plan = mergePlan(s, [x]);
    expect(plan.contactsAdded).toBe(1);
    expect(plan.set.contacts?.map((c) => [c.email, c.isPrimary])).toEqual([
      ['ann@acme.com', true],
      ['bob@acme.com', false],
    ]);
    expect(plan.set.tags).toEqual(['vip', 'east']);
    // Planned again on the merged survivor: nothing left to change (a retried merge writes nothing).
    const again = mergePlan({ ...s, ...plan.set } as CustomerLean, [x]);
    expect(again.set).toEqual({});
    expect(again.contactsAdded).toBe(0);
  });

  it('gives a survivor without contacts the first source primary', () => {
    const x = customer({ contacts: [contact('a@x.com'), contact('b@x.com', true)] });
    const plan = mergePlan(customer(), [x]);
    expect(plan.set.contacts?.filter((c) => c.isPrimary).map((c) => c.email)).toEqual(['b@x.com']);
  });

  it('refuses a result over the limits before anything is written', () => {
    const many = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
    expect(() => mergePlan(customer({ tags: many }), [customer({ tags: ['one-more'] })])).toThrow(/tags/);
    const people = Array.from({ length: 30 }, (_, i) => contact(`p${i}@x.com`));
    const others = Array.from({ length: 30 }, (_, i) => contact(`q${i}@x.com`));
    expect(() => mergePlan(customer({ contacts: people }), [customer({ contacts: others })])).toThrow(/contacts/);
  });
});
