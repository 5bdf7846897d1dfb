import { diffFields, isEmptyDiff } from './diff';

describe('diffFields', () => {
  it('reports only changed fields, with before and after', () => {
    const before = { name: 'Acme', tags: ['a', 'b'], email: null, version: 1 };
    const after = { name: 'Acme Ltd', tags: ['a', 'b'], email: 'x@y.io', version: 2 };
    expect(diffFields(before, after, ['version'])).toEqual({
      name: { from: 'Acme', to: 'Acme Ltd' },
      email: { from: null, to: 'x@y.io' },
    });
  });

  it('compares dates by instant, objects structurally regardless of key order, undefined as null', () => {
    const a = { at: new Date(5), address: { city: 'X', zip: '1' }, notes: undefined };
    const b = { at: new Date(5), address: { zip: '1', city: 'X' }, notes: null };
    expect(isEmptyDiff(diffFields(a, b))).toBe(true);
    expect(diffFields({ list: [1, 2] }, { list: [2, 1] })).toEqual({ list: { from: [1, 2], to: [2, 1] } });
  });

  it('sees fields present on one side only', () => {
    expect(diffFields({}, { assignedTo: 'u1' })).toEqual({ assignedTo: { from: null, to: 'u1' } });
  });
});
