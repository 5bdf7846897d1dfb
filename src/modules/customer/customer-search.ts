import { ListFilters, listFilter, searchTokens, SortField } from '@app/common';
import type { Customer } from './schemas/customer.schema';

/** API sort keys → stored fields. `name` sorts by the lower-cased copy (no collation on FerretDB). */
export const CUSTOMER_SORT_FIELDS: Readonly<Record<string, SortField>> = {
  updatedAt: { field: 'updatedAt', kind: 'date' },
  createdAt: { field: 'createdAt', kind: 'date' },
  name: { field: 'nameSort', kind: 'string' },
};

/**
 * Default list order. createdAt never changes, so paging through the default order is exact
 * even while others edit; a record whose sort key changes mid-way (sorting by updatedAt or name)
 * moves to its new place, as any keyset or offset paging would show it.
 */
export const DEFAULT_CUSTOMER_SORT = '-createdAt';

/** The list filter: the shared one, plus customers' own `source`. Null matches nothing. */
export function customerListFilter(
  f: ListFilters & { source?: string },
  visibleCompanies: readonly string[] | undefined,
): Record<string, unknown> | null {
  return listFilter(f, visibleCompanies, { source: f.source });
}

type Searchable = Pick<Customer, 'name' | 'email' | 'phone' | 'website' | 'tags' | 'contacts'>;

/** The stored search tokens of a customer, from the fields the search covers. */
export function customerSearchTokens(c: Searchable): string[] {
  return searchTokens({
    texts: [
      c.name,
      c.email,
      c.website ? c.website.replace(/^https?:\/\/(www\.)?/, '') : null,
      ...c.tags,
      ...c.contacts.map((p) => p.name),
      ...c.contacts.map((p) => p.email),
    ],
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
