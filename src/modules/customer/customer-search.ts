import { ListFilters, listFilter, searchTokens, websiteText } from '@app/common';
import { contactSearchTexts } from '../../domain/contacts';
import { externalIdFilter } from '../../domain/external-id';
import type { MatchField } from '../../domain/natural-key';
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
export type CustomerMatchField = MatchField;
