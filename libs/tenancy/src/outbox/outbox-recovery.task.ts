import { Injectable } from '@nestjs/common';
import type { MaintenanceTask } from '../maintenance';
import { MaintenanceTaskProvider } from '../registrations';
import { Outbox } from './outbox';

/**
 * The safety net of the outbox in every tenant: entries whose writer died are settled at the latest
 * at the next maintenance pass. Consumers that need it sooner (webhook delivery) call
 * `Outbox.recover` in their own loop for the tenants they serve.
 */
@MaintenanceTaskProvider()
@Injectable()
export class OutboxRecoveryTask implements MaintenanceTask {
  readonly name = 'outbox-recovery';

  constructor(private readonly outbox: Outbox) {}

  run(now: Date): Promise<number> {
    return this.outbox.recover(now);
  }
}
