import { Injectable } from '@nestjs/common';
import {
  CUSTOMER_PATCHABLE_FIELDS,
  type CreateCustomerDto,
  type CustomerResponse,
  type UpdateCustomerDto,
} from '../../customer';
import { CustomerOperations } from '../batch/customer-operation';
import type { OperatedRecord } from '../batch/record-operations';
import { ADDRESS_COLUMNS, IMPORTABLE_COLUMNS } from '../export/customer-columns';
import { type ImportColumns, ImportEntityProvider } from './import-entity';
import { pick, RecordImportEntity } from './record-import-entity';

const COLUMNS: ImportColumns = {
  fields: IMPORTABLE_COLUMNS,
  // What an exported file has beside them: the server computes it (an import skips it).
  computed: new Set([
    'id',
    'companyId',
    'totalRevenue',
    'purchaseCount',
    'createdAt',
    'updatedAt',
    'firstPurchaseAt',
    'lastPurchaseAt',
    'lastActivityAt',
    'openTasks',
    'leadId',
    'statusHistory',
    'createdBy',
    'updatedBy',
    'version',
    'address',
  ]),
  lists: new Set(['tags', 'contacts']),
  numbers: new Set(),
  address: ADDRESS_COLUMNS,
};

/** Customers in an import: written through CustomerService (via CustomerOperations) only. */
@ImportEntityProvider()
@Injectable()
export class CustomerImportEntity extends RecordImportEntity<CustomerResponse, CreateCustomerDto, UpdateCustomerDto> {
  readonly name = 'customers';
  readonly matchFields = ['email', 'website', 'externalId'] as const;
  readonly columns = COLUMNS;

  constructor(operations: CustomerOperations) {
    super(operations);
  }

  undoFields(record: OperatedRecord): Record<string, unknown> {
    return pick(record, CUSTOMER_PATCHABLE_FIELDS);
  }
}
