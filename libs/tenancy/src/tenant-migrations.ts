import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover, TenantMigrationProvider } from './registrations';

/**
 * A one-off change to the data of every tenant database (a new field filled in, a shape rewritten),
 * declared by the module that owns the data with `@TenantMigrationProvider()` and run by
 * `npm run migrate` in each tenant's context. The tenant record remembers which ids are done, and a
 * migration must be idempotent anyway: a run interrupted half-way runs it again. Reads must keep
 * working on data not migrated yet, since instances serve while the migration runs.
 */
export interface TenantMigration {
  /** Stable and unique, ordered by date: `2026-12-contact-names-customers`. */
  readonly id: string;
  /** One line for the migration log. */
  readonly description: string;
  /**
   * Runs before the tenant's index set is applied: for data a new unique index needs first (a key
   * every existing record must have before the index can be built).
   */
  readonly beforeIndexes?: boolean;
  /** Changes what still needs it in the current tenant; returns how many records it changed. */
  run(): Promise<number>;
  /**
   * `npm run migrate -- --verify`: checks what the migration maintains (derived data such as counters)
   * against the records and repairs it; one line per problem found (and repaired).
   */
  verify?(): Promise<string[]>;
  /**
   * Per-tenant setup (defaults such as a default pipeline): also run for every new tenant at
   * provisioning, through this same `run`, so new and existing tenants are set up by one code path.
   */
  readonly atProvisioning?: boolean;
}

/** Every migration the application declares, in id order. */
@Injectable()
export class TenantMigrations {
  private migrations?: TenantMigration[];

  constructor(private readonly discovery: DiscoveryService) {}

  all(): readonly TenantMigration[] {
    this.migrations ??= discover<TenantMigration>(this.discovery, TenantMigrationProvider).sort((a, b) =>
      a.id.localeCompare(b.id),
    );
    const ids = this.migrations.map((m) => m.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw new Error(`Tenant migration ${twice} is declared twice`);
    return this.migrations;
  }

  /** The setups provisioning runs in a new tenant (see TenantMigration.atProvisioning). */
  setups(): readonly TenantMigration[] {
    return this.all().filter((m) => m.atProvisioning);
  }

  ids(): string[] {
    return this.all().map((m) => m.id);
  }
}
