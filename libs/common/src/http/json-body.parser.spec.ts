import { MAX_BODY_DEPTH, unsafeShape } from './json-body.parser';

describe('unsafeShape', () => {
  const nest = (levels: number): unknown => (levels === 0 ? 'x' : { a: nest(levels - 1) });

  it('accepts ordinary bodies, arrays of objects included', () => {
    expect(
      unsafeShape({ name: 'Acme', contacts: [{ name: 'a', email: 'a@b.co' }], address: { city: 'X' } }),
    ).toBeNull();
    expect(unsafeShape(nest(MAX_BODY_DEPTH - 1))).toBeNull();
  });

  it('refuses nesting past the cap', () => {
    expect(unsafeShape(nest(MAX_BODY_DEPTH + 1))).toMatchObject({ code: 'request.body_too_deep' });
    expect(unsafeShape({ name: JSON.parse('['.repeat(5000) + ']'.repeat(5000)) })).toMatchObject({
      code: 'request.body_too_deep',
    });
  });

  it.each([
    ['an operator key', { name: { $gt: '' } }, 'name.$gt'],
    ['a dotted key', { 'address.city': 'x' }, 'address.city'],
    ['constructor', { tags: ['a'], constructor: { x: 1 } }, 'constructor'],
    ['__proto__', JSON.parse('{"__proto__": {"admin": true}}'), '__proto__'],
    ['prototype inside an array element', { contacts: [{ prototype: 1 }] }, 'contacts.0.prototype'],
  ])('refuses %s', (_label, body, path) => {
    expect(unsafeShape(body)).toMatchObject({ code: 'request.forbidden_key', errors: [{ path }] });
  });
});
