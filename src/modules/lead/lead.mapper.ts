import { toContactResponse } from '../../domain/contacts';
import { toMajor } from '../../domain/money';
import type { LeadLean } from './schemas/lead.schema';
import type { LeadResponse } from './dto/lead.response';

/** The one way a lead leaves the service: no _id, search tokens, claim or deletion marker. */
export function toLeadResponse(l: LeadLean): LeadResponse {
  return {
    id: l._id.toHexString(),
    companyId: l.companyId,
    name: l.name,
    companyName: l.companyName ?? null,
    email: l.email ?? null,
    phone: l.phone ?? null,
    website: l.website ?? null,
    source: l.source,
    status: l.status,
    assignedTo: l.assignedTo ?? null,
    tags: l.tags ?? [],
    notes: l.notes ?? null,
    externalId: l.externalId ?? null,
    estimatedValue:
      l.estimatedValueMinor === null || l.estimatedValueMinor === undefined ? null : toMajor(l.estimatedValueMinor),
    contacts: (l.contacts ?? []).map(toContactResponse),
    customerId: l.customerId ?? null,
    convertedAt: l.convertedAt ? l.convertedAt.toISOString() : null,
    convertedBy: l.convertedBy ?? null,
    createdBy: l.createdBy,
    updatedBy: l.updatedBy,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    version: l.version,
  };
}
