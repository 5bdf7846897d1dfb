import { Injectable } from '@nestjs/common';
import { type TenantMigration, TenantMigrationProvider } from '@app/tenancy';
import { CustomerRepository } from '../customer.repository';
import { CustomerCounters } from './customer-counters';

/**
 * Fills the per-company customer counters of a tenant from its customers (tenants from before the
 * counters), and with `npm run migrate -- --verify` recounts them and repairs any drift.
 */
@TenantMigrationProvider()
@Injectable()
export class CustomerCountersMigration implements TenantMigration {
  readonly id = '2026-12-customer-counters';
  readonly description = 'customer statistics counters from a recount';

  constructor(
    private readonly repo: CustomerRepository,
    private readonly counters: CustomerCounters,
  ) {}

  async run(): Promise<number> {
    return (await this.counters.recount(this.repo.allCounted(), true)).length;
  }

  async verify(): Promise<string[]> {
    const drift = await this.counters.recount(this.repo.allCounted(), true);
    return drift.map((d) => `customer counters of company ${d.companyId} drifted (${d.paths.join(', ')}); repaired`);
  }
}
