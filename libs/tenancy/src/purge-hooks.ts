import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover, PurgeHookProvider } from './registrations';

/** A record of the current tenant that is being removed for good (retention purge, erasure, probe clean-up). */
export interface PurgedRecord {
  entityType: string;
  entityId: string;
  companyId: string | null;
  /**
   * Fields of the record that hold personal data (`email`, `contacts`, ...): copies of them elsewhere
   * (audit entries) are redacted.
   */
  personalFields?: readonly string[];
  /**
   * Remove every trace of the record, its audit trail included: for records that never were real
   * data (the isolation check's probes). Otherwise the trail stays, redacted.
   */
  leaveNoTrace?: boolean;
}

/**
 * What a module does when a record goes for good: remove or redact its own copies of that record's data
 * (its activities, the realtime log's payloads, personal fields in audit entries). Runs in the tenant's
 * context; must be idempotent (a purge that failed half-way is run again).
 */
export interface PurgeHook {
  purge(record: PurgedRecord): Promise<void>;
}

/** Runs every `@PurgeHookProvider()` for a purged record. */
@Injectable()
export class PurgeHooks {
  private hooks?: PurgeHook[];

  constructor(private readonly discovery: DiscoveryService) {}

  async run(record: PurgedRecord): Promise<void> {
    this.hooks ??= discover<PurgeHook>(this.discovery, PurgeHookProvider);
    for (const hook of this.hooks) await hook.purge(record);
  }
}
