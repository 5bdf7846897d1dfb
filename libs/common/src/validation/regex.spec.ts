import { escapeRegex } from './regex';

describe('escapeRegex', () => {
  it.each(['a.b', '(a+)+$', '[x]', '^start', 'a|b', 'back\\slash', '.*', '{1,2}', 'a-b/c'])(
    'makes %p match only itself',
    (text) => {
      const re = new RegExp(`^${escapeRegex(text)}$`);
      expect(re.test(text)).toBe(true);
      expect(re.test(`${text}x`)).toBe(false);
    },
  );
});
