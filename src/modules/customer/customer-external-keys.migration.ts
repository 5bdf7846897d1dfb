import { Injectable } from '@nestjs/common';
import { type TenantMigration, TenantMigrationProvider } from '@app/tenancy';
import { CustomerRepository } from './customer.repository';

/**
 * Customers stored before externalId get their always-set key, before the unique index on it is
 * built (a record without the key would count as null, and the second one would break the build).
 */
@TenantMigrationProvider()
@Injectable()
export class CustomerExternalKeysMigration implements TenantMigration {
  readonly id = '2026-12-external-keys-customers';
  readonly description = 'customers: externalKey (unique externalId without sparse indexes)';
  readonly beforeIndexes = true;

  constructor(private readonly repo: CustomerRepository) {}

  run(): Promise<number> {
    return this.repo.fillExternalKeys();
  }
}
