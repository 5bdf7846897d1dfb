import { ListFilters, listFilter, MAX_TOKEN_LENGTH, searchTokens, websiteText, words } from '@app/common';
import { contactSearchTexts } from '../../domain/contacts';
import { externalIdFilter } from '../../domain/external-id';
import type { Customer } from './schemas/customer.schema';

/** The list filter: the shared one, plus customers' own `source`. Null matches nothing. */
export function customerListFilter(
  f: ListFilters & { source?: string; externalId?: string },
  visibleCompanies: readonly string[] | undefined,
): Record<string, unknown> | null {
  const filter = listFilter(f, visibleCompanies, { source: f.source });
  return filter && f.externalId !== undefined ? { ...filter, ...externalIdFilter(f.externalId) } : filter;
}

type Searchable = Pick<Customer, 'name' | 'email' | 'phone' | 'website' | 'tags' | 'contacts'>;

/** The stored search tokens of a customer, from the fields the search covers. */
export function customerSearchTokens(c: Searchable): string[] {
  return searchTokens({
    texts: [c.name, c.email, websiteText(c.website), ...c.tags, ...c.contacts.flatMap(contactSearchTexts)],
    phones: [c.phone, ...c.contacts.map((p) => p.phone)],
  });
}

/** Fields whose change means the tokens must be recomputed. */
export const SEARCHABLE_FIELDS: ReadonlyArray<keyof Customer> = [
  'name',
  'email',
  'phone',
  'website',
  'tags',
  'contacts',
];

/** A natural key a client may match customers by (batch upsert, import). */
export type CustomerMatchField = 'email' | 'website' | 'externalId';

/**
 * The filter that finds live customers whose `field` equals `value` (already normalised as stored).
 * Email and website equality goes through the search-token index (their longest word is one of the
 * record's tokens) and then compares exactly, so it needs no index of its own; externalId has its
 * unique key. Null: the value can match nothing.
 */
export function customerMatchFilter(field: CustomerMatchField, value: string): Record<string, unknown> | null {
  if (field === 'externalId') return { ...externalIdFilter(value), deletedAt: null };
  const text = field === 'website' ? websiteText(value) : value;
  const longest = words(text ?? '')
    .map((w) => w.slice(0, MAX_TOKEN_LENGTH))
    .sort((x, y) => y.length - x.length)[0];
  if (!longest) return null;
  return { searchTokens: longest, [field]: value, deletedAt: null };
}
