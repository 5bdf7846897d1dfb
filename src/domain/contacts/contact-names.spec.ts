import { DomainError } from '@app/common';
import { displayName, hasLegacyNames, namesFrom, splitName, storedNames } from './contact-names';

describe('contact names', () => {
  it('splits one name at the last space; joining the parts gives it back', () => {
    expect(splitName('John Doe')).toEqual({ firstName: 'John', lastName: 'Doe', name: 'John Doe' });
    expect(splitName('  Mary   Ann Smith ')).toEqual({
      firstName: 'Mary Ann',
      lastName: 'Smith',
      name: 'Mary Ann Smith',
    });
    expect(splitName('Cher')).toEqual({ firstName: 'Cher', lastName: null, name: 'Cher' });
    expect(splitName('   ')).toEqual({ firstName: null, lastName: null, name: null });
    expect(splitName(null)).toEqual({ firstName: null, lastName: null, name: null });
  });

  it('derives the display name from first and last name', () => {
    expect(displayName('John', 'Doe')).toBe('John Doe');
    expect(displayName(null, 'Doe')).toBe('Doe');
    expect(displayName('John', null)).toBe('John');
    expect(displayName(null, null)).toBeNull();
  });

  it('takes first/last over name, and refuses a name that contradicts them', () => {
    expect(namesFrom({ firstName: 'John', lastName: 'Doe' }, 'c')).toEqual({
      firstName: 'John',
      lastName: 'Doe',
      name: 'John Doe',
    });
    expect(namesFrom({ firstName: 'John', lastName: 'Doe', name: ' John  Doe ' }, 'c').name).toBe('John Doe');
    expect(namesFrom({ name: 'Jane Roe' }, 'c')).toEqual({ firstName: 'Jane', lastName: 'Roe', name: 'Jane Roe' });
    expect(() => namesFrom({ firstName: 'John', name: 'Jane' }, 'contacts[2]')).toThrow(
      expect.objectContaining({
        code: 'contact.name_mismatch',
        errors: [expect.objectContaining({ path: 'contacts[2].name' })],
      }),
    );
    expect(() => namesFrom({ firstName: 'John', name: 'Jane' }, 'c')).toThrow(DomainError);
  });

  it('reads a stored contact from before first and last names as if split', () => {
    expect(storedNames({ name: 'Jane Roe' })).toEqual({ firstName: 'Jane', lastName: 'Roe', name: 'Jane Roe' });
    expect(storedNames({ firstName: null, lastName: null, name: 'Jane Roe' }).lastName).toBe('Roe');
    expect(storedNames({ firstName: 'Jane', lastName: null, name: 'stale' }).name).toBe('Jane');
    expect(hasLegacyNames({ name: 'Jane Roe' })).toBe(true);
    expect(hasLegacyNames({ firstName: null, lastName: null, name: null })).toBe(false);
    expect(hasLegacyNames({ firstName: 'Jane', lastName: 'Roe', name: 'Jane Roe' })).toBe(false);
  });
});
