import { Types } from 'mongoose';
import { DomainError, ErrorKind } from '@app/common';
import { type ContactNamesInput, displayName, invalidContact, namesFrom, storedNames } from './contact-names';
import { Contact, MAX_CONTACTS } from './contact.schema';

/**
 * The contact invariants as pure functions over the contacts array: whenever contacts exist,
 * exactly one is primary; every contact has a first name, a last name or an email; `name` is
 * derived from first and last name. Every contacts write replaces the whole array computed here,
 * conditionally on the version it was computed from, so no interleaving can break them.
 */

export interface ContactInput extends ContactNamesInput {
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  isPrimary?: boolean;
}

/** A partial change of one contact; `isPrimary` changes only through "make primary". */
export type ContactChange = Omit<ContactInput, 'isPrimary'>;

function toContact(input: ContactInput, path: string, id = new Types.ObjectId()): Contact {
  const contact: Contact = {
    _id: id,
    ...namesFrom(input, path),
    email: input.email ?? null,
    phone: input.phone ?? null,
    title: input.title ?? null,
    isPrimary: false,
  };
  assertIdentified(contact, path);
  return contact;
}

/** Contacts given at create: the one marked primary (at most one), else the first. */
export function initialContacts(inputs: readonly ContactInput[]): Contact[] {
  const marked = inputs.filter((c) => c.isPrimary === true).length;
  if (marked > 1) {
    throw new DomainError(
      ErrorKind.BAD_REQUEST,
      'contact.multiple_primary',
      'At most one contact may be marked primary.',
      {},
      [{ path: 'contacts', message: 'at most one contact may have isPrimary: true' }],
    );
  }
  if (inputs.length > MAX_CONTACTS) throw tooMany();
  const primary = marked ? inputs.findIndex((c) => c.isPrimary === true) : 0;
  return inputs.map((c, i) => ({ ...toContact(c, `contacts[${i}]`), isPrimary: i === primary }));
}

/** Appends a contact; it becomes primary if it is the first or asks to be (clearing the old one). */
export function withContact(contacts: readonly Contact[], input: ContactInput, id: Types.ObjectId): Contact[] {
  if (contacts.length >= MAX_CONTACTS) throw tooMany();
  const added = toContact(input, 'contact', id);
  const primary = contacts.length === 0 || input.isPrimary === true;
  return withPrimaryId([...contacts, added], primary ? id.toHexString() : primaryId(contacts));
}

/**
 * One contact with `change` applied: given fields replace the stored ones (null clears), `name`
 * alone is split into first and last name, and the display name is derived again.
 */
export function changedContact(current: Contact, change: ContactChange): Contact {
  const names = storedNames(current);
  const touchesNames = change.firstName !== undefined || change.lastName !== undefined || change.name !== undefined;
  const next: Contact = {
    ...current,
    ...(touchesNames
      ? namesFrom(
          change.firstName !== undefined || change.lastName !== undefined
            ? {
                firstName: change.firstName === undefined ? names.firstName : change.firstName,
                lastName: change.lastName === undefined ? names.lastName : change.lastName,
                name: change.name,
              }
            : { name: change.name },
          'contact',
        )
      : names),
  };
  for (const key of ['email', 'phone', 'title'] as const) if (change[key] !== undefined) next[key] = change[key];
  next.name = displayName(next.firstName, next.lastName);
  assertIdentified(next, 'contact');
  return next;
}

/** Removes a contact; if it was the primary, the first remaining one takes over. */
export function withoutContact(contacts: readonly Contact[], contactId: string): Contact[] {
  const rest = contacts.filter((c) => c._id.toHexString() !== contactId);
  if (rest.length === 0) return [];
  const current = primaryId(rest);
  return withPrimaryId(rest, current ?? rest[0]._id.toHexString());
}

/** Makes one contact the primary and clears every other flag, in the same array. */
export function withPrimary(contacts: readonly Contact[], contactId: string): Contact[] {
  return withPrimaryId(contacts, contactId);
}

export function isPrimary(contacts: readonly Contact[], contactId: string): boolean {
  return contacts.some((c) => c._id.toHexString() === contactId && c.isPrimary);
}

/** Stored contacts in today's shape (first and last name set from a legacy `name`); the rest unchanged. */
export function withCurrentNames(contacts: readonly Contact[]): Contact[] {
  return contacts.map((c) => ({ ...c, ...storedNames(c) }));
}

/** What search covers of a contact: its first, last and display names and its email. */
export function contactSearchTexts(c: Contact): Array<string | null> {
  const { firstName, lastName, name } = storedNames(c);
  return [firstName, lastName, name, c.email];
}

/** The fields a contact is copied with into another record (lead conversion). */
export function contactCopy(c: Contact): Omit<ContactInput, 'name'> {
  const { firstName, lastName } = storedNames(c);
  return { firstName, lastName, email: c.email, phone: c.phone, title: c.title, isPrimary: c.isPrimary };
}

function primaryId(contacts: readonly Contact[]): string | undefined {
  return contacts.find((c) => c.isPrimary)?._id.toHexString();
}

function withPrimaryId(contacts: readonly Contact[], id: string | undefined): Contact[] {
  const target = id ?? contacts[0]?._id.toHexString();
  return contacts.map((c) => ({ ...c, isPrimary: c._id.toHexString() === target }));
}

function assertIdentified(c: Contact, path: string): void {
  if (!c.firstName && !c.lastName && !c.email) {
    throw invalidContact('contact.identity_required', path, 'a contact needs a firstName, lastName or email');
  }
}

function tooMany(): DomainError {
  return new DomainError(ErrorKind.UNPROCESSABLE, 'contact.too_many', `At most ${MAX_CONTACTS} contacts are allowed.`);
}
