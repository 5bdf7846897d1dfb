import { Inject, Injectable } from '@nestjs/common';
import { canonical } from '@app/common';
import {
  changedContact,
  CreateContactDto,
  isPrimary,
  UpdateContactDto,
  withContact,
  withoutContact,
  withPrimary,
} from '../../domain/contacts';
import { Types } from 'mongoose';
import { contactIndex, CUSTOMER_RECORDS, type CustomerRecords } from './customer-records';
import type { CustomerResponse } from './dto/customer.response';
import { CustomerEventName } from './events/customer.events';

/**
 * A customer's contacts. Each write replaces the contacts array computed by contact-rules
 * from the version just read, conditionally on that version: two concurrent "make primary"
 * calls serialise (the loser recomputes from the winner's state), so there is always exactly
 * one primary. FerretDB has no arrayFilters, and this needs none.
 */
@Injectable()
export class CustomerContactsService {
  constructor(@Inject(CUSTOMER_RECORDS) private readonly records: CustomerRecords) {}

  add(customerId: string, dto: CreateContactDto): Promise<CustomerResponse> {
    const id = new Types.ObjectId();
    return this.records.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => ({
      set: { contacts: withContact(c.contacts, dto, id) },
    }));
  }

  update(customerId: string, contactId: string, dto: UpdateContactDto): Promise<CustomerResponse> {
    return this.records.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      const i = contactIndex(c, contactId);
      const next = changedContact(c.contacts[i], dto);
      if (canonical(next) === canonical(c.contacts[i])) return null;
      return { set: { contacts: c.contacts.map((p, j) => (j === i ? next : p)) } };
    });
  }

  remove(customerId: string, contactId: string): Promise<CustomerResponse> {
    return this.records.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      contactIndex(c, contactId);
      return { set: { contacts: withoutContact(c.contacts, contactId) } };
    });
  }

  makePrimary(customerId: string, contactId: string): Promise<CustomerResponse> {
    return this.records.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      contactIndex(c, contactId);
      return isPrimary(c.contacts, contactId) ? null : { set: { contacts: withPrimary(c.contacts, contactId) } };
    });
  }
}
