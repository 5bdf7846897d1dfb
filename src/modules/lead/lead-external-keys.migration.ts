import { Injectable } from '@nestjs/common';
import { type TenantMigration, TenantMigrationProvider } from '@app/tenancy';
import { LeadRepository } from './lead.repository';

/**
 * Leads stored before externalId get their always-set key, before the unique index on it is
 * built (a record without the key would count as null, and the second one would break the build).
 */
@TenantMigrationProvider()
@Injectable()
export class LeadExternalKeysMigration implements TenantMigration {
  readonly id = '2026-12-external-keys-leads';
  readonly description = 'leads: externalKey (unique externalId without sparse indexes)';
  readonly beforeIndexes = true;

  constructor(private readonly repo: LeadRepository) {}

  run(): Promise<number> {
    return this.repo.fillExternalKeys();
  }
}
