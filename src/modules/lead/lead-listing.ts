import { searchTokens, websiteText } from '@app/common';
import { contactSearchTexts } from '../../domain/contacts';
import type { Lead } from './schemas/lead.schema';

type Searchable = Pick<Lead, 'name' | 'companyName' | 'email' | 'website' | 'tags' | 'phone' | 'contacts'>;

/** The search tokens of a lead: its names, email, website, tags and contacts, and phone digits. */
export function leadSearchTokens(lead: Searchable): string[] {
  return searchTokens({
    texts: [
      lead.name,
      lead.companyName,
      lead.email,
      websiteText(lead.website),
      ...lead.tags,
      ...lead.contacts.flatMap(contactSearchTexts),
    ],
    phones: [lead.phone, ...lead.contacts.map((c) => c.phone)],
  });
}

/** Fields whose change means the tokens must be recomputed. */
export const LEAD_SEARCHABLE_FIELDS: ReadonlyArray<keyof Lead> = [
  'name',
  'companyName',
  'email',
  'website',
  'tags',
  'phone',
  'contacts',
];
