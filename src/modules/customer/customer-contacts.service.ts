import { Injectable } from '@nestjs/common';
import {
  canonical,
  CreateContactDto,
  isPrimary,
  UpdateContactDto,
  withContact,
  withoutContact,
  withPrimary,
} from '@app/common';
import { Types } from 'mongoose';
import { CustomerWriter } from './customer-writer';
import type { CustomerResponse } from './dto/customer.response';
import { CustomerEventName } from './events/customer.events';

const EDITABLE = ['name', 'email', 'phone', 'title'] as const;

/**
 * A customer's contacts. Each write replaces the contacts array computed by contact-rules
 * from the version just read, conditionally on that version: two concurrent "make primary"
 * calls serialise (the loser recomputes from the winner's state), so there is always exactly
 * one primary. FerretDB has no arrayFilters, and this needs none.
 */
@Injectable()
export class CustomerContactsService {
  constructor(private readonly writer: CustomerWriter) {}

  add(customerId: string, dto: CreateContactDto): Promise<CustomerResponse> {
    const id = new Types.ObjectId();
    return this.writer.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => ({
      set: { contacts: withContact(c.contacts, dto, id) },
    }));
  }

  update(customerId: string, contactId: string, dto: UpdateContactDto): Promise<CustomerResponse> {
    return this.writer.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      const i = CustomerWriter.contactIndex(c, contactId);
      const next = { ...c.contacts[i] };
      for (const key of EDITABLE) if (dto[key] !== undefined) Object.assign(next, { [key]: dto[key] });
      if (canonical(next) === canonical(c.contacts[i])) return null;
      return { set: { contacts: c.contacts.map((p, j) => (j === i ? next : p)) } };
    });
  }

  remove(customerId: string, contactId: string): Promise<CustomerResponse> {
    return this.writer.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      CustomerWriter.contactIndex(c, contactId);
      return { set: { contacts: withoutContact(c.contacts, contactId) } };
    });
  }

  makePrimary(customerId: string, contactId: string): Promise<CustomerResponse> {
    return this.writer.mutate(customerId, CustomerEventName.CONTACTS_CHANGED, (c) => {
      CustomerWriter.contactIndex(c, contactId);
      return isPrimary(c.contacts, contactId) ? null : { set: { contacts: withPrimary(c.contacts, contactId) } };
    });
  }
}
