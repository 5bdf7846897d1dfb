import { Types } from 'mongoose';
import { DomainError, ErrorKind } from '@app/common';
import type { LeadContactDto } from './dto/lead-contact.dto';
import type { LeadContact } from './schemas/lead.schema';

/**
 * Contacts as stored: each with an id, and exactly one primary whenever there are any (the one
 * marked, else the first). Two marked primaries is a client error, not a guess.
 */
export function buildLeadContacts(input: readonly LeadContactDto[] | undefined): LeadContact[] {
  const list = input ?? [];
  const marked = list.filter((c) => c.isPrimary === true).length;
  if (marked > 1) {
    throw new DomainError(
      ErrorKind.BAD_REQUEST,
      'lead.contacts_two_primaries',
      'At most one contact may be primary.',
      {},
      [{ path: 'contacts', message: 'at most one contact may have isPrimary: true' }],
    );
  }
  const primaryIndex = marked === 1 ? list.findIndex((c) => c.isPrimary === true) : 0;
  return list.map((c, i) => ({
    _id: new Types.ObjectId(),
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    title: c.title ?? null,
    isPrimary: i === primaryIndex,
  }));
}
