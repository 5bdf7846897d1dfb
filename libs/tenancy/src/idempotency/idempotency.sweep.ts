import { Injectable } from '@nestjs/common';
import type { MaintenanceTask } from '../maintenance';
import { MaintenanceTaskProvider } from '../registrations';
import { IdempotencyStore } from './idempotency.store';

/** Removes expired Idempotency-Key records of each tenant (FerretDB has no TTL index to do it). */
@MaintenanceTaskProvider()
@Injectable()
export class IdempotencySweep implements MaintenanceTask {
  readonly name = 'idempotency-keys';

  constructor(private readonly store: IdempotencyStore) {}

  async run(now: Date): Promise<number> {
    await this.store.ensureTtlIndex();
    return this.store.sweepExpired(now);
  }
}
