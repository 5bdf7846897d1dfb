import { DomainError, ErrorKind } from '@app/common';

/** A contact's names as stored: first and last, and the display name derived from them. */
export interface ContactNames {
  firstName: string | null;
  lastName: string | null;
  /** "First Last", "First" or "Last"; null when the contact has neither (an email-only contact). */
  name: string | null;
}

/** What a client may send for a contact's names: the seed's first/last, or one `name`. */
export interface ContactNamesInput {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
}

/** "First Last" from the two parts, or null when both are empty. */
export function displayName(firstName: string | null, lastName: string | null): string | null {
  const joined = [firstName, lastName].filter((p): p is string => !!p).join(' ');
  return joined.length ? joined : null;
}

/**
 * A single name split the way most address books do: the last word is the last name, the rest the
 * first name ("Mary Ann Smith" → "Mary Ann" / "Smith"); one word is a first name. Joining the parts
 * gives the name back (whitespace collapsed), so nothing a client sent is lost.
 */
export function splitName(name: string | null | undefined): ContactNames {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { firstName: null, lastName: null, name: null };
  if (words.length === 1) return { firstName: words[0], lastName: null, name: words[0] };
  const firstName = words.slice(0, -1).join(' ');
  const lastName = words[words.length - 1];
  return { firstName, lastName, name: displayName(firstName, lastName) };
}

/**
 * The names of a contact from what was sent. `firstName`/`lastName` win; `name` alone is split. Both
 * are accepted only when they agree (a contact read back and sent again as a whole), so a client
 * never has one of them silently ignored.
 */
export function namesFrom(input: ContactNamesInput, path: string): ContactNames {
  const parts = input.firstName !== undefined || input.lastName !== undefined;
  if (!parts) return splitName(input.name);
  const firstName = input.firstName ?? null;
  const lastName = input.lastName ?? null;
  const name = displayName(firstName, lastName);
  if (input.name !== undefined && input.name !== null && collapse(input.name) !== name) {
    throw invalidContact(
      'contact.name_mismatch',
      `${path}.name`,
      'name is derived from firstName and lastName; send either name or firstName/lastName',
    );
  }
  return { firstName, lastName, name };
}

/**
 * Names of a stored contact. Contacts written before first and last names existed carry only `name`
 * (until `npm run migrate` rewrites them): they are read as if split, exactly as the migration does.
 */
export function storedNames(c: {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
}): ContactNames {
  if (c.firstName == null && c.lastName == null) return splitName(c.name);
  const firstName = c.firstName ?? null;
  const lastName = c.lastName ?? null;
  return { firstName, lastName, name: displayName(firstName, lastName) };
}

/** Whether a stored contact still has the shape from before first and last names (see storedNames). */
export function hasLegacyNames(c: {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
}): boolean {
  return c.firstName == null && c.lastName == null && typeof c.name === 'string' && c.name.trim().length > 0;
}

export function invalidContact(code: string, path: string, message: string): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, code, `Invalid contact: ${message}.`, {}, [{ path, message }]);
}

function collapse(s: string): string | null {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length ? t : null;
}
