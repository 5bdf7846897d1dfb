import type { SortField } from '@app/common';
import { searchTokens } from '@app/common';
import type { Lead } from './schemas/lead.schema';

export const LEAD_SORT_FIELDS: Readonly<Record<string, SortField>> = {
  updatedAt: { field: 'updatedAt', kind: 'date' },
  createdAt: { field: 'createdAt', kind: 'date' },
  name: { field: 'nameSort', kind: 'string' },
};

/** Same default as customers: createdAt never changes, so paging the default order is exact during edits. */
export const DEFAULT_LEAD_SORT = '-createdAt';

type Searchable = Pick<Lead, 'name' | 'companyName' | 'email' | 'website' | 'tags' | 'phone' | 'contacts'>;

/** The search tokens of a lead: its names, email, website, tags and contacts, and phone digits. */
export function leadSearchTokens(lead: Searchable): string[] {
  return searchTokens({
    texts: [
      lead.name,
      lead.companyName,
      lead.email,
      lead.website,
      ...lead.tags,
      ...lead.contacts.flatMap((c) => [c.name, c.email]),
    ],
    phones: [lead.phone, ...lead.contacts.map((c) => c.phone)],
  });
}
