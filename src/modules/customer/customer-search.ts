import { searchFilter, searchTokens, SortField } from '@app/common';
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

export interface CustomerListFilters {
  companyId?: string;
  status?: string;
  source?: string;
  assignedTo?: string;
  tag?: string[];
  q?: string;
  updatedSince?: string;
}

/**
 * The MongoDB filter for a list query, always excluding deleted customers and limited to the
 * companies the principal may see. Every value is a typed scalar from a validated DTO; `q` only
 * ever becomes exact token strings. Null means "matches nothing" (a query without words).
 */
export function customerListFilter(
  f: CustomerListFilters,
  visibleCompanies: readonly string[] | undefined,
): Record<string, unknown> | null {
  const filter: Record<string, unknown> = { deletedAt: null };
  if (f.companyId) filter.companyId = f.companyId;
  else if (visibleCompanies) filter.companyId = { $in: [...visibleCompanies] };
  if (f.status) filter.status = f.status;
  if (f.source) filter.source = f.source;
  if (f.assignedTo) filter.assignedTo = f.assignedTo;
  if (f.tag?.length) filter.tags = { $all: f.tag };
  if (f.updatedSince) filter.updatedAt = { $gte: new Date(f.updatedSince) };
  // An empty box means no search; text without a single letter or digit finds nothing.
  if (f.q !== undefined && f.q.trim() !== '') {
    const search = searchFilter(f.q);
    if (!search) return null;
    Object.assign(filter, search);
  }
  return filter;
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
