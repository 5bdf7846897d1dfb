import { Injectable } from '@nestjs/common';
import { RecordLock } from '@app/tenancy';
import {
  CreateCustomerDto,
  CustomerError,
  CustomerErrorCode,
  type CustomerResponse,
  CustomerService,
  UpdateCustomerDto,
} from '../../customer';
import { type RecordOperation, RecordOperations, type RecordPort } from './record-operations';

/** One write to one customer, as a batch item or an import row describes it. */
export type CustomerOperation = RecordOperation;

/** Customers as operations write them: through CustomerService only. */
function customerPort(customers: CustomerService): RecordPort<CustomerResponse, CreateCustomerDto, UpdateCustomerDto> {
  return {
    noun: 'customer',
    createDto: CreateCustomerDto,
    updateDto: UpdateCustomerDto,
    createOnly: ['companyId', 'status', 'assignedTo', 'contacts'],
    create: (dto, id) => customers.create(dto, { id }),
    get: (id) => customers.get(id),
    update: (id, dto, expectedVersion) => customers.update(id, dto, expectedVersion),
    remove: (id, expectedVersion) => customers.remove(id, expectedVersion),
    findMatching: (field, value) => customers.findMatching(field, value),
    isExternalIdTaken: (e) => e instanceof CustomerError && e.code === CustomerErrorCode.EXTERNAL_ID_TAKEN,
  };
}

/** Create/update/upsert/delete of one customer (batch items, customer import rows). */
@Injectable()
export class CustomerOperations extends RecordOperations<CustomerResponse, CreateCustomerDto, UpdateCustomerDto> {
  constructor(customers: CustomerService, lock: RecordLock) {
    super(customerPort(customers), lock);
  }
}
