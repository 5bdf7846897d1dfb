import { DiscoveryService } from '@nestjs/core';

/**
 * Cross-cutting registrations are declared where they belong, on the provider that implements them,
 * and collected by discovery (as `@nestjs/event-emitter` finds `@OnEvent` handlers): adding a module
 * edits no central list and wires nothing by hand.
 */

/** An isolation probe (see IsolationProbe): a module's data taking part in the isolation check. */
export const IsolationProbeProvider = DiscoveryService.createDecorator<void>();

/** A task run in every active tenant by TenantMaintenance (see MaintenanceTask). */
export const MaintenanceTaskProvider = DiscoveryService.createDecorator<void>();

/** Erases a module's data about a record that is being removed for good (see PurgeHook). */
export const PurgeHookProvider = DiscoveryService.createDecorator<void>();

/** A one-off data change run in every tenant by `npm run migrate` (see TenantMigration). */
export const TenantMigrationProvider = DiscoveryService.createDecorator<void>();

/** The instances of every provider carrying `decorator`, in module registration order. */
export function discover<T>(discovery: DiscoveryService, decorator: { KEY: string }): T[] {
  return discovery
    .getProviders({ metadataKey: decorator.KEY })
    .map((wrapper) => wrapper.instance as T | undefined)
    .filter((instance): instance is T => instance !== undefined && instance !== null);
}
