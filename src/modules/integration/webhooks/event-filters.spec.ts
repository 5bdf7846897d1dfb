import { matchesEvent, unknownFilters } from './event-filters';

describe(matchesEvent.name, () => {
  it('matches exact names and module wildcards only', () => {
    expect(matchesEvent(['customer.*'], 'customer.created')).toBe(true);
    expect(matchesEvent(['customer.created'], 'customer.created')).toBe(true);
    expect(matchesEvent(['customer.created'], 'customer.updated')).toBe(false);
    expect(matchesEvent(['customer.*'], 'customers.created')).toBe(false);
    expect(matchesEvent(['lead.*'], 'customer.created')).toBe(false);
  });
});

describe(unknownFilters.name, () => {
  it('names the filters that match no published event', () => {
    const published = ['customer.created', 'lead.converted'];
    expect(unknownFilters(['customer.*', 'lead.converted', 'lead.exploded', 'nosuch.*'], published)).toEqual([
      'lead.exploded',
      'nosuch.*',
    ]);
  });
});
