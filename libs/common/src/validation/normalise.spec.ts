import { normaliseEmail, normalisePhone, normaliseTags, normaliseWebsite } from './normalise';

describe('normalisers', () => {
  it('emails: trimmed and lower-cased', () => {
    expect(normaliseEmail('  John.Doe@Example.COM ')).toBe('john.doe@example.com');
  });

  it('tags: trimmed, lower-cased, whitespace collapsed, empties and duplicates dropped', () => {
    expect(normaliseTags([' VIP ', 'vip', 'Key  Account', '', '  '])).toEqual(['vip', 'key account']);
  });

  it('phones: punctuation removed, 00 becomes +, 6-15 digits', () => {
    expect(normalisePhone('+1 (555) 123-4567')).toBe('+15551234567');
    expect(normalisePhone('0044 20 7946 0000')).toBe('+442079460000');
    expect(normalisePhone('555.1234')).toBe('5551234');
    expect(normalisePhone('12345')).toBeNull();
    expect(normalisePhone('call me')).toBeNull();
    expect(normalisePhone('+1 555 123 4567 8901 23')).toBeNull();
  });

  it('websites: https added, host lower-cased, lone slash and fragment dropped', () => {
    expect(normaliseWebsite('Acme.COM/')).toBe('https://acme.com');
    expect(normaliseWebsite('http://www.acme.com/about?x=1#top')).toBe('http://www.acme.com/about?x=1');
  });

  it('websites: refuses other schemes, credentials and non-hosts', () => {
    for (const bad of [
      'javascript:alert(1)',
      'ftp://acme.com',
      'https://user:pw@acme.com',
      'localhost',
      'a b.com',
      '',
    ]) {
      expect(normaliseWebsite(bad)).toBeNull();
    }
  });
});
