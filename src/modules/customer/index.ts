export { CustomerModule } from './customer.module';
export { CUSTOMER_ENTITY } from './customer-records';
export { CustomerService, type CreateCustomerOptions } from './customer.service';
export { CustomerSize, CustomerSource, CustomerStatus } from './customer.enums';
export { CreateCustomerDto } from './dto/create-customer.dto';
export { CustomerResponse, CustomerPageResponse } from './dto/customer.response';
export {
  CUSTOMER_EVENT_NAMES,
  CustomerDomainEvent,
  CustomerEventName,
  type CustomerSnapshot,
  type FieldChange,
} from './events/customer.events';
