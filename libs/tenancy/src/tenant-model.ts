import { Inject } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Model } from 'mongoose';
import type { TenantConnectionRegistry } from './tenant-connection.registry';
import type { TenantContext } from './tenant-context';

export function getTenantModelToken(name: string): string {
  return `TenantModel:${name}`;
}

/** Injects the handle to a tenant collection; `.current()` is the current tenant's model. */
export const InjectTenantModel = (name: string): ParameterDecorator => Inject(getTenantModelToken(name));

/**
 * A tenant-scoped model. There is no way to reach the collection except through the context,
 * so a query without a tenant fails instead of landing in some default database.
 */
export class TenantModel<T> {
  constructor(
    readonly name: string,
    private readonly connections: TenantConnectionRegistry,
    private readonly context: TenantContext,
  ) {}

  current(): Model<T> {
    return this.connections.model<T>(this.context.dbName, this.name);
  }
}

/**
 * The driver's collection under a model, typed with the model's own documents (their `_id` may be a
 * string). For writes our code builds complete (outbox entries, leases), where mongoose's document
 * construction and validation cost more than the insert itself.
 */
export function driverCollection<T extends Document>(model: Model<T>): Collection<T> {
  return model.collection as unknown as Collection<T>;
}
