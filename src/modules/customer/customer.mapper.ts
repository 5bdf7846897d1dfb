import { toContactResponse } from '../../domain/contacts';
import type { CustomerResponse } from './dto/customer.response';
import type { CustomerLean } from './schemas/customer.schema';

import { toMajor } from '../../domain/money';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The one way a customer leaves the module: no _id, search tokens, refs or deletedAt. */
export function toCustomerResponse(c: CustomerLean): CustomerResponse {
  return {
    id: c._id.toHexString(),
    companyId: c.companyId,
    name: c.name,
    status: c.status,
    source: c.source,
    email: c.email ?? null,
    phone: c.phone ?? null,
    website: c.website ?? null,
    industry: c.industry ?? null,
    size: c.size ?? null,
    address: c.address
      ? {
          street: c.address.street ?? null,
          city: c.address.city ?? null,
          region: c.address.region ?? null,
          postalCode: c.address.postalCode ?? null,
          country: c.address.country ?? null,
        }
      : null,
    notes: c.notes ?? null,
    externalId: c.externalId ?? null,
    tags: c.tags ?? [],
    assignedTo: c.assignedTo ?? null,
    contacts: (c.contacts ?? []).map(toContactResponse),
    totalRevenue: toMajor(c.totalRevenueMinor ?? 0),
    purchaseCount: c.purchaseCount ?? 0,
    firstPurchaseAt: iso(c.firstPurchaseAt),
    lastPurchaseAt: iso(c.lastPurchaseAt),
    leadId: c.leadId ?? null,
    lastActivityAt: iso(c.lastActivityAt),
    openTasks: c.openTasks ?? 0,
    statusHistory: (c.statusHistory ?? []).map((h) => ({
      from: h.from ?? null,
      to: h.to,
      reason: h.reason ?? null,
      by: h.by,
      at: h.at.toISOString(),
    })),
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}
