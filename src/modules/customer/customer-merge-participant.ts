import { DiscoveryService } from '@nestjs/core';

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
  /** Names the participant in merge reports and logs (`activities`). */
  readonly name: string;
  /** Moves every record of the current tenant that points at one of `sourceIds` to `survivorId`; returns how many moved. */
  repoint(sourceIds: readonly string[], survivorId: string): Promise<number>;
}

export const CustomerMergeParticipantProvider = DiscoveryService.createDecorator<void>();
