import { Types } from 'mongoose';
import { DomainError, ErrorKind } from '@app/common';
import { Contact, MAX_CONTACTS } from './contact.schema';

/**
 * The primary-contact invariant as pure functions over the contacts array: whenever contacts
 * exist, exactly one is primary. Every contacts write replaces the whole array computed here,
 * conditionally on the version it was computed from, so no interleaving can break it.
 */

export interface ContactInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  isPrimary?: boolean;
}

function toContact(input: ContactInput, id = new Types.ObjectId()): Contact {
  return {
    _id: id,
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    title: input.title ?? null,
    isPrimary: false,
  };
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
  return inputs.map((c, i) => ({ ...toContact(c), isPrimary: i === primary }));
}

/** Appends a contact; it becomes primary if it is the first or asks to be. */
export function withContact(contacts: readonly Contact[], input: ContactInput, id: Types.ObjectId): Contact[] {
  if (contacts.length >= MAX_CONTACTS) throw tooMany();
  const added = toContact(input, id);
  const primary = contacts.length === 0 || input.isPrimary === true;
  return withPrimaryId([...contacts, added], primary ? id.toHexString() : primaryId(contacts));
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

function primaryId(contacts: readonly Contact[]): string | undefined {
  return contacts.find((c) => c.isPrimary)?._id.toHexString();
}

function withPrimaryId(contacts: readonly Contact[], id: string | undefined): Contact[] {
  const target = id ?? contacts[0]?._id.toHexString();
  return contacts.map((c) => ({ ...c, isPrimary: c._id.toHexString() === target }));
}

function tooMany(): DomainError {
  return new DomainError(ErrorKind.UNPROCESSABLE, 'contact.too_many', `At most ${MAX_CONTACTS} contacts are allowed.`);
}
