import fc from 'fast-check';
import { Types } from 'mongoose';
import { initialContacts, isPrimary, withContact, withoutContact, withPrimary } from './contact-rules';
import { DomainError } from '@app/common';
import type { Contact } from './contact.schema';

const primaries = (list: Contact[]) => list.filter((c) => c.isPrimary).length;
const id = (c: Contact) => c._id.toHexString();

describe('contact rules', () => {
  it('the first contact given at create is primary unless another is marked', () => {
    expect(initialContacts([{ name: 'a' }, { name: 'b' }]).map((c) => c.isPrimary)).toEqual([true, false]);
    expect(initialContacts([{ name: 'a' }, { name: 'b', isPrimary: true }]).map((c) => c.isPrimary)).toEqual([
      false,
      true,
    ]);
    expect(() =>
      initialContacts([
        { name: 'a', isPrimary: true },
        { name: 'b', isPrimary: true },
      ]),
    ).toThrow(DomainError);
  });

  it('the first added contact becomes primary; a later one only when asked, clearing the old', () => {
    const one = withContact([], { name: 'a' }, new Types.ObjectId());
    expect(one[0].isPrimary).toBe(true);
    const two = withContact(one, { name: 'b' }, new Types.ObjectId());
    expect(two.map((c) => c.isPrimary)).toEqual([true, false]);
    const three = withContact(two, { name: 'c', isPrimary: true }, new Types.ObjectId());
    expect(three.map((c) => c.isPrimary)).toEqual([false, false, true]);
  });

  it('removing the primary promotes the first remaining contact', () => {
    const list = initialContacts([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const rest = withoutContact(list, id(list[0]));
    expect(rest.map((c) => [c.name, c.isPrimary])).toEqual([
      ['b', true],
      ['c', false],
    ]);
    expect(withoutContact(rest.slice(0, 1), id(rest[0]))).toEqual([]);
  });

  it('keeps exactly one primary through any sequence of operations', () => {
    type Op = { kind: 'add' | 'remove' | 'primary'; pick: number; flag: boolean };
    const op = fc.record({
      kind: fc.constantFrom<'add' | 'remove' | 'primary'>('add', 'remove', 'primary'),
      pick: fc.nat(20),
      flag: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops: Op[]) => {
        let list: Contact[] = [];
        for (const o of ops) {
          const target = list.length ? id(list[o.pick % list.length]) : undefined;
          if (o.kind === 'add' && list.length < 50)
            list = withContact(list, { name: 'x', isPrimary: o.flag }, new Types.ObjectId());
          if (o.kind === 'remove' && target) list = withoutContact(list, target);
          if (o.kind === 'primary' && target) {
            list = withPrimary(list, target);
            expect(isPrimary(list, target)).toBe(true);
          }
          expect(primaries(list)).toBe(list.length ? 1 : 0);
        }
      }),
    );
  });
});
