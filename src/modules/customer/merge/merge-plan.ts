import { canonical, type FieldDiff, normaliseTags } from '@app/common';
import { type Contact, MAX_CONTACTS } from '../../../domain/contacts';
import { MAX_TAGS } from '../customer.enums';
import { CustomerError, CustomerErrorCode } from '../customer.errors';
import type { Customer, CustomerLean } from '../schemas/customer.schema';

/** Fields a merge fills on the survivor when empty there (or takes from the record `prefer` names). */
export const MERGE_FIELDS = [
  'name',
  'email',
  'phone',
  'website',
  'industry',
  'size',
  'address',
  'notes',
  'assignedTo',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export type MergePreference = Partial<Record<MergeField, string>>;

export interface MergePlan {
  set: Partial<Customer>;
  changes: Record<string, FieldDiff>;
  /** Contacts of the sources the survivor takes (not already there by email or id). */
  contactsAdded: number;
}

const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const emailOf = (c: Contact) => c.email?.trim().toLowerCase() || null;

/**
 * The survivor after a merge, as a change to it: its own values stay, empty fields are filled from the
 * first source (in the order given) that has one, or taken from the record `prefer` names (when that
 * record has a value); contacts are unioned by email (a contact without one by its id, so a retried
 * merge adds nothing twice), the survivor's primary stays primary (or the first source's, if it had
 * none); tags are unioned. Pure: the same inputs give the same change, which is what makes a retried
 * merge write nothing new. `externalId` and `leadId` are not taken over (each identifies its record).
 */
export function mergePlan(
  survivor: CustomerLean,
  sources: readonly CustomerLean[],
  prefer: MergePreference = {},
): MergePlan {
  const byId = new Map([survivor, ...sources].map((c) => [c._id.toHexString(), c]));
  const set: Partial<Customer> = {};
  const changes: Record<string, FieldDiff> = {};
  const put = <K extends keyof Customer>(key: K, value: Customer[K]) => {
    if (canonical(survivor[key]) === canonical(value)) return;
    set[key] = value;
    changes[key] = { from: survivor[key] ?? null, to: value ?? null };
  };
  for (const field of MERGE_FIELDS) {
    const preferred = prefer[field] ? byId.get(prefer[field]) : undefined;
    if (preferred && !empty(preferred[field])) {
      put(field, preferred[field]);
      continue;
    }
    if (!empty(survivor[field])) continue;
    const from = sources.find((s) => !empty(s[field]));
    if (from) put(field, from[field]);
  }

  const contacts = survivor.contacts.map((c) => ({ ...c }));
  const emails = new Set(contacts.map(emailOf).filter(Boolean));
  const ids = new Set(contacts.map((c) => c._id.toHexString()));
  let added = 0;
  for (const source of sources) {
    for (const c of source.contacts) {
      const email = emailOf(c);
      if ((email && emails.has(email)) || ids.has(c._id.toHexString())) continue;
      contacts.push({ ...c, isPrimary: false });
      if (email) emails.add(email);
      ids.add(c._id.toHexString());
      added++;
    }
  }
  if (contacts.length > MAX_CONTACTS) {
    throw new CustomerError(
      CustomerErrorCode.MERGE_TOO_MANY_CONTACTS,
      `The merged customer would have ${contacts.length} contacts; at most ${MAX_CONTACTS} are allowed.`,
    );
  }
  if (added) {
    // The survivor's primary; without one, the first source's (if the union kept it), else the first contact.
    const kept = (p: Contact | undefined) => (p && contacts.some((c) => c._id.equals(p._id)) ? p : undefined);
    const primary = kept(survivor.contacts.find((c) => c.isPrimary)) ?? kept(firstPrimary(sources)) ?? contacts[0];
    for (const c of contacts) c.isPrimary = c._id.equals(primary._id);
    put('contacts', contacts);
  }

  const tags = normaliseTags([...survivor.tags, ...sources.flatMap((s) => s.tags)]);
  if (tags.length > MAX_TAGS) {
    throw new CustomerError(
      CustomerErrorCode.TOO_MANY_TAGS,
      `The merged customer would have more than ${MAX_TAGS} tags.`,
    );
  }
  put('tags', tags);
  return { set, changes, contactsAdded: added };
}

function firstPrimary(sources: readonly CustomerLean[]): Contact | undefined {
  for (const s of sources) {
    const p = s.contacts.find((c) => c.isPrimary);
    if (p) return p;
  }
  return undefined;
}
