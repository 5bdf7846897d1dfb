import { MAX_TOKENS, phoneTokens, queryTokens, searchFilter, searchTokens, websiteText, words } from './search-tokens';

describe('search tokens', () => {
  it('splits into lower-case, accent-free words', () => {
    expect(words('  Café-Müller GmbH, ACME.com ')).toEqual(['cafe', 'muller', 'gmbh', 'acme', 'com']);
  });

  it('stores every prefix of every word, deduplicated', () => {
    const tokens = searchTokens({ texts: ['Acme', 'acme ab'] });
    expect(tokens).toEqual(['a', 'ac', 'acm', 'acme', 'ab']);
  });

  it('matches a query as prefixes: "acm" finds Acme, "john.doe@acm" finds the email', () => {
    const tokens = new Set(searchTokens({ texts: ['Acme Corp', 'john.doe@acme.com'] }));
    for (const q of ['acm', 'ACME', 'corp acm', 'john.doe@acm', 'doe']) {
      expect(queryTokens(q).every((t) => tokens.has(t))).toBe(true);
    }
    expect(queryTokens('acmex').every((t) => tokens.has(t))).toBe(false);
  });

  it('finds phones by leading digits with or without the country code', () => {
    const tokens = new Set(phoneTokens('+15551234567'));
    expect(queryTokens('+1 (555) 123')).toEqual(['1555123']);
    expect(tokens.has('1555123')).toBe(true);
    expect(tokens.has(queryTokens('555-123-4')[0])).toBe(true);
    expect(tokens.has('1234')).toBe(false);
  });

  it('treats regex metacharacters and operators as separators, never as syntax', () => {
    expect(queryTokens('.*')).toEqual([]);
    expect(queryTokens('a+b (c)')).toEqual(['a', 'b', 'c']);
    expect(queryTokens('{"$gt": ""}')).toEqual(['gt']);
    expect(searchFilter('.*')).toBeNull();
    expect(searchFilter('Acme ^corp$')).toEqual({ searchTokens: 'acme', $and: [{ searchTokens: { $all: ['corp'] } }] });
    expect(searchFilter('ACM')).toEqual({ searchTokens: 'acm' });
  });

  it('caps tokens per document and per query', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}suffix`).join(' ');
    expect(searchTokens({ texts: [long] }).length).toBe(MAX_TOKENS);
    expect(queryTokens('a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj')).toHaveLength(8);
    expect(queryTokens('x'.repeat(100))[0]).toHaveLength(32);
  });
});

describe('websiteText', () => {
  it('drops scheme and www so a site is found by its host, not by "https"', () => {
    expect(websiteText('https://www.Acme.com/shop')).toBe('Acme.com/shop');
    expect(websiteText('http://initech.io')).toBe('initech.io');
    expect(websiteText(null)).toBeNull();
  });
});
