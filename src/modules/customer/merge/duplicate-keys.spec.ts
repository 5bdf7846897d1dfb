import {
  type DuplicateCandidate,
  duplicateGroups,
  duplicatesOf,
  emailDomain,
  nameKey,
  nameSimilarity,
  phoneKey,
  scoreOf,
  DuplicateReason,
  websiteDomain,
} from './duplicate-keys';

const c = (id: string, name: string, extra: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  id,
  name,
  email: null,
  phone: null,
  website: null,
  contacts: [],
  ...extra,
});

describe('duplicate keys', () => {
  it('normalises names, domains and phones', () => {
    expect(nameKey('The ACME Widgets, Inc.')).toBe('acme widgets');
    expect(nameKey('Société Générale S.A.')).toBe('societe generale');
    expect(nameKey('Inc')).toBe('inc');
    expect(websiteDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(websiteDomain('acme.com:8080')).toBe('acme.com');
    expect(emailDomain(' Bob@Acme.com ')).toBe('acme.com');
    expect(emailDomain('bob@gmail.com')).toBeNull();
    expect(phoneKey('+44 20 7946 0018')).toBe(phoneKey('020 7946 0018'));
    expect(phoneKey('12345')).toBeNull();
  });

  it('scores similar names by word trigrams, word order aside', () => {
    expect(nameSimilarity('acme widgets', 'widgets acme')).toBe(1);
    expect(nameSimilarity('northwind traders', 'northwind trader')).toBeGreaterThanOrEqual(0.8);
    expect(nameSimilarity('acme widgets', 'acme gadgets')).toBeLessThan(0.8);
    expect(scoreOf([DuplicateReason.EMAIL])).toBe(0.9);
    expect(scoreOf([DuplicateReason.EMAIL, DuplicateReason.NAME])).toBe(0.96);
  });

  it('groups linked customers with the union of their reasons', () => {
    const groups = duplicateGroups([
      c('a', 'Acme Corp', { email: 'info@acme.com' }),
      c('b', 'ACME Corporation', { contacts: [{ email: 'INFO@acme.com ' }] }),
      c('c', 'Globex', { phone: '+1 555 010 0199' }),
      c('d', 'Initech', { phone: '(555) 010-0199' }),
      c('e', 'Hooli', { email: 'x@gmail.com' }),
      c('f', 'Umbrella', { email: 'y@gmail.com' }),
      c('g', 'Stark', { website: 'https://www.stark.io/en' }),
      c('h', 'Wayne', { email: 'bruce@stark.io' }),
    ]);
    expect(groups).toEqual([
      { ids: ['a', 'b'], reasons: ['email', 'domain', 'name'], score: 0.98 },
      { ids: ['c', 'd'], reasons: ['phone'], score: 0.7 },
      { ids: ['g', 'h'], reasons: ['domain'], score: 0.6 },
    ]);
  });

  it('answers for one customer with each candidate and its own reasons', () => {
    const all = [
      c('a', 'Acme', { email: 'info@acme.com' }),
      c('b', 'Acme Ltd'),
      c('x', 'Zeta', { email: 'info@acme.com' }),
      c('z', 'Other'),
    ];
    expect(duplicatesOf('a', all)).toEqual([
      { id: 'x', reasons: ['email', 'domain'], score: 0.96 },
      { id: 'b', reasons: ['name'], score: 0.6 },
    ]);
    expect(duplicatesOf('z', all)).toEqual([]);
  });
});
