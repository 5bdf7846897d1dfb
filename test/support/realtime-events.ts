import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Types } from 'mongoose';
import { CustomerDomainEvent, CustomerEventName, FieldChange } from '../../src/modules/customer/events/customer.events';

/**
 * Emits a customer event on `app` the way the customer module does after a successful write, for
 * realtime tests that are about delivery rather than about the REST call behind it. (Imports no
 * application module, so suites that load the app late with their own env can use it.)
 */
export function emitCustomerEvent(
  app: INestApplication,
  tenant: string,
  companyId: string,
  name: CustomerEventName = CustomerEventName.UPDATED,
  changes: Record<string, FieldChange> = { name: { from: 'Old', to: 'New' } },
): CustomerDomainEvent {
  const customerId = new Types.ObjectId().toHexString();
  const event = new CustomerDomainEvent(
    name,
    tenant,
    companyId,
    customerId,
    'member-user',
    new Date('2026-01-02T03:04:05.000Z'),
    { id: customerId, companyId, name: 'New' },
    changes,
    'req-1',
  );
  app.get(EventEmitter2).emit(name, event);
  return event;
}
