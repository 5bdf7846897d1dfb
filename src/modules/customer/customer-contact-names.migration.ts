import { Injectable } from '@nestjs/common';
import { RecordLock, type TenantMigration, TenantMigrationProvider } from '@app/tenancy';
import { migrateContactNames } from '../../domain/contacts';
import { CUSTOMER_ENTITY } from './customer-records';
import { CustomerRepository } from './customer.repository';

/** Customers' contacts stored with only `name` get firstName/lastName (see migrateContactNames). */
@TenantMigrationProvider()
@Injectable()
export class CustomerContactNamesMigration implements TenantMigration {
  readonly id = '2026-12-contact-names-customers';
  readonly description = 'customer contacts: firstName/lastName from name';

  constructor(
    private readonly repo: CustomerRepository,
    private readonly lock: RecordLock,
  ) {}

  run(): Promise<number> {
    return migrateContactNames(this.repo, this.lock, CUSTOMER_ENTITY);
  }
}
