import { Injectable } from '@nestjs/common';
import { RecordLock, type TenantMigration, TenantMigrationProvider } from '@app/tenancy';
import { migrateContactNames } from '../../domain/contacts';
import { LeadRepository } from './lead.repository';
import { LEAD_ENTITY } from './lead.service';

/** Leads' contacts stored with only `name` get firstName/lastName (see migrateContactNames). */
@TenantMigrationProvider()
@Injectable()
export class LeadContactNamesMigration implements TenantMigration {
  readonly id = '2026-12-contact-names-leads';
  readonly description = 'lead contacts: firstName/lastName from name';

  constructor(
    private readonly repo: LeadRepository,
    private readonly lock: RecordLock,
  ) {}

  run(): Promise<number> {
    return migrateContactNames(this.repo, this.lock, LEAD_ENTITY);
  }
}
