import { Types } from 'mongoose';
import { customerListFilter, customerSearchTokens } from './customer-search';

describe('customer search', () => {
  it('builds one filter from every list filter, always excluding deleted customers', () => {
    expect(
      customerListFilter(
        {
          companyId: 'c1',
          status: 'active',
          source: 'referral',
          assignedTo: 'u1',
          tag: ['vip', 'emea'],
          q: 'Acme corp',
          updatedSince: '2025-01-01T00:00:00Z',
        },
        undefined,
      ),
    ).toEqual({
      deletedAt: null,
      companyId: 'c1',
      status: 'active',
      source: 'referral',
      assignedTo: 'u1',
      tags: { $all: ['vip', 'emea'] },
      updatedAt: { $gte: new Date('2025-01-01T00:00:00Z') },
      searchTokens: 'acme',
      $and: [{ searchTokens: { $all: ['corp'] } }],
    });
  });

  it('limits to the companies claim unless one company was asked for (checked visible by the caller)', () => {
    expect(customerListFilter({}, ['c1', 'c2'])).toEqual({ deletedAt: null, companyId: { $in: ['c1', 'c2'] } });
    expect(customerListFilter({ companyId: 'c1' }, ['c1'])).toEqual({ deletedAt: null, companyId: 'c1' });
  });

  it('a query without searchable characters matches nothing; an empty one is no search', () => {
    expect(customerListFilter({ q: '.*' }, undefined)).toBeNull();
    expect(customerListFilter({ q: '  ' }, undefined)).toEqual({ deletedAt: null });
  });

  it('tokens cover name, email, phone, website without scheme, tags and contacts', () => {
    const tokens = new Set(
      customerSearchTokens({
        name: 'Acme',
        email: 'sales@acme.io',
        phone: '+15551234567',
        website: 'https://www.widgets.example',
        tags: ['vip'],
        contacts: [
          {
            _id: new Types.ObjectId(),
            firstName: 'Jane',
            lastName: 'Roe',
            name: 'Jane Roe',
            email: 'jane@x.io',
            phone: null,
            title: null,
            isPrimary: true,
          },
        ],
      }),
    );
    for (const t of ['acm', 'sales', 'io', '1555', '555123', 'widg', 'vi', 'roe', 'jane'])
      expect(tokens.has(t)).toBe(true);
    expect(tokens.has('https')).toBe(false);
    expect(tokens.has('www')).toBe(false);
  });
});
