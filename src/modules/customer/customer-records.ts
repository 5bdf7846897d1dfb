import type { Provider } from '@nestjs/common';
import { canSeeCompany, isDuplicateKeyOn, staleVersion } from '@app/common';
import { externalKeyOf } from '../../domain/external-id';
import { type RecordWriter, TenantContext, type VersionedRecordType, VersionedWriter } from '@app/tenancy';
import { CustomerCounters } from './counters/customer-counters';
import { customerSearchTokens, SEARCHABLE_FIELDS } from './customer-search';
import {
  contactNotFound,
  CustomerError,
  CustomerErrorCode,
  customerNotFound,
  externalIdTaken,
} from './customer.errors';
import { toCustomerResponse } from './customer.mapper';
import { CustomerRepository } from './customer.repository';
import type { CustomerResponse } from './dto/customer.response';
import { CustomerDomainEvent, CustomerEventName } from './events/customer.events';
import type { Customer, CustomerLean } from './schemas/customer.schema';

export const CUSTOMER_ENTITY = 'customer';

/** Fields of a customer that hold personal data: redacted in its audit trail when it is purged. */
export const CUSTOMER_PERSONAL_FIELDS: readonly string[] = [
  'name',
  'email',
  'phone',
  'website',
  'address',
  'notes',
  'contacts',
];

/** Customers as the shared versioned writer handles them (load, change, version check, audit, event). */
export type CustomerRecords = RecordWriter<CustomerLean, CustomerResponse>;
export const CUSTOMER_RECORDS = Symbol('CustomerRecords');

/** Events whose payload carries no field diff (the snapshot says it all). */
const QUIET: readonly string[] = [CustomerEventName.CREATED, CustomerEventName.DELETED, CustomerEventName.RESTORED];

export function customerRecordType(
  repo: CustomerRepository,
  context: TenantContext,
  counters: CustomerCounters,
): VersionedRecordType<CustomerLean, CustomerResponse> {
  return {
    entityType: CUSTOMER_ENTITY,
    store: repo,
    toResponse: toCustomerResponse,
    companyOf: (c) => c.companyId,
    visible: (c, { includeDeleted }) =>
      (includeDeleted || !c.deletedAt) && canSeeCompany(context.principal, c.companyId),
    notFound: customerNotFound,
    stale: (expected, actual) => staleVersion(CUSTOMER_ENTITY, expected, actual),
    duplicate: (e) => (isDuplicateKeyOn(e, 'externalKey') ? externalIdTaken() : undefined),
    busy: () => new CustomerError(CustomerErrorCode.WRITE_CONFLICT, 'The customer is changing too fast; retry.'),
    // Change on every write, or only mirror another field: not worth auditing.
    notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'statusHistory'],
    derive: (next, set) => {
      const derived: Partial<Customer> = {};
      if (set.name !== undefined) derived.nameSort = next.name.toLowerCase();
      if (SEARCHABLE_FIELDS.some((f) => f in set)) derived.searchTokens = customerSearchTokens(next);
      if ('externalId' in set) derived.externalKey = externalKeyOf(next._id, next.externalId);
      return derived;
    },
    // Every write that landed moves the company's counters (statistics), whoever made it.
    afterWrite: (before, after) => counters.record(before, after),
    event: (w) =>
      new CustomerDomainEvent(
        w.name as CustomerEventName,
        w.tenantId,
        w.after.companyId,
        w.after.id,
        w.actor,
        w.at,
        { ...w.after },
        QUIET.includes(w.name) ? {} : w.changes,
        w.requestId,
      ),
  };
}

export const customerRecordsProvider: Provider = {
  provide: CUSTOMER_RECORDS,
  inject: [VersionedWriter, CustomerRepository, TenantContext, CustomerCounters],
  useFactory: (
    writer: VersionedWriter,
    repo: CustomerRepository,
    context: TenantContext,
    counters: CustomerCounters,
  ): CustomerRecords => writer.for(customerRecordType(repo, context, counters)),
};

/** The index of a contact of the customer, or contact.not_found. */
export function contactIndex(c: CustomerLean, contactId: string): number {
  const i = c.contacts.findIndex((p) => p._id.toHexString() === contactId);
  if (i < 0) throw contactNotFound(contactId);
  return i;
}
