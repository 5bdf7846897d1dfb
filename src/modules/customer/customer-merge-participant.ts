import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';

/**
 * A module whose records point at customers (revenue entries, activities, opportunities) takes part
 * in a customer merge by moving its records from the merged sources to the survivor. Declared on the
 * provider with `@CustomerMergeParticipantProvider()` and collected by discovery, so a module that
 * lands later registers itself without editing the merge.
 *
 * `repoint` runs inside the merge's crash-safe flow and may run again for the same merge after a
 * crash (or concurrently on a retry): it must be idempotent (re-pointing what already points at the
 * survivor changes nothing) and must not fail when a source has nothing left to move.
 */
export interface CustomerMergeParticipant {
  /** Names the participant in merge reports and logs: the key of its count in a merge's `moved` (`activities`). */
  readonly name: string;
  /** How many records of the current tenant point at one of `sourceIds` (a dry run's `moved`). */
  count(sourceIds: readonly string[]): Promise<number>;
  /** Moves every record of the current tenant that points at one of `sourceIds` to `survivorId`; returns how many moved. */
  repoint(sourceIds: readonly string[], survivorId: string): Promise<number>;
}

export const CustomerMergeParticipantProvider = DiscoveryService.createDecorator<void>();

/** Every merge participant the application declares, in module registration order. */
@Injectable()
export class CustomerMergeParticipants {
  private found?: CustomerMergeParticipant[];

  constructor(private readonly discovery: DiscoveryService) {}

  get all(): readonly CustomerMergeParticipant[] {
    this.found ??= discover<CustomerMergeParticipant>(this.discovery, CustomerMergeParticipantProvider);
    return this.found;
  }
}
