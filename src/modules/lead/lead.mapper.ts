import type { LeadContact, LeadLean } from './schemas/lead.schema';
import type { LeadContactResponse } from './dto/lead-contact.dto';
import type { LeadResponse } from './dto/lead.response';

export const toMinor = (major: number): number => Math.round(major * 100);
export const toMajor = (minor: number): number => minor / 100;

export function toLeadContactResponse(c: LeadContact): LeadContactResponse {
  return {
    id: c._id.toHexString(),
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    title: c.title ?? null,
    isPrimary: c.isPrimary,
  };
}

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
    estimatedValue:
      l.estimatedValueMinor === null || l.estimatedValueMinor === undefined ? null : toMajor(l.estimatedValueMinor),
    contacts: (l.contacts ?? []).map(toLeadContactResponse),
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
