import { toQueryBoolean } from './transforms';

describe(toQueryBoolean.name, () => {
  it('reads the usual boolean spellings of a query string, in any case', () => {
    for (const v of ['true', 'TRUE', '1', 'yes', 'on', ' On ']) expect(toQueryBoolean({ value: v })).toBe(true);
    for (const v of ['false', 'False', '0', 'no', 'off']) expect(toQueryBoolean({ value: v })).toBe(false);
  });

  it('leaves anything else for the validator to refuse', () => {
    for (const v of ['', 'maybe', '2', 'truee', ['true'], { $ne: 1 }]) expect(toQueryBoolean({ value: v })).toEqual(v);
  });
});
