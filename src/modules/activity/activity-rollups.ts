import { Injectable } from '@nestjs/common';
import { CustomerActivityRollups } from '../customer';
import { ActivityRepository } from './activity.repository';

/**
 * After an activity write, the customer's `lastActivityAt` and `openTasks` are recounted from the
 * activities and stored under the customer's record lock (see CustomerActivityRollups): a recount, not
 * an increment, so concurrent writes, deletes, retries and re-pointing can never make them drift.
 */
@Injectable()
export class ActivityRollups {
  constructor(
    private readonly repo: ActivityRepository,
    private readonly customers: CustomerActivityRollups,
  ) {}

  async refresh(customerId: string | null): Promise<void> {
    if (!customerId) return;
    await this.customers.refresh(customerId, () => this.repo.rollupOf(customerId));
  }
}
