import { Injectable } from '@nestjs/common';
import { RecordLock } from '@app/tenancy';
import { CUSTOMER_ENTITY } from './customer-records';
import { CustomerRepository } from './customer.repository';

/** What a customer's activities add up to. */
export interface CustomerActivityRollup {
  lastActivityAt: Date | null;
  openTasks: number;
}

/**
 * Keeps `lastActivityAt` and `openTasks` on the customer. After each of its writes the Activity module
 * hands a recount (from the activities themselves), or for a newly logged activity the instant it
 * happened (`raiseLastActivity`); either runs under the customer's record lock, the
 * one every customer write takes, so recounts never interleave: the last one to run started after the
 * last activity write landed and stores the true numbers (increments could drift on a lost race or a
 * crash between the two writes). The rollup is derived data, like search tokens: it gets no version,
 * audit entry or event of its own (the activity's event says what happened), so an activity logged on
 * a customer never turns a client's If-Match on that customer stale.
 */
@Injectable()
export class CustomerActivityRollups {
  constructor(
    private readonly repo: CustomerRepository,
    private readonly lock: RecordLock,
  ) {}

  /** Stores the rollup `recount` computes, under the customer's lock. */
  refresh(customerId: string, recount: () => Promise<CustomerActivityRollup>): Promise<void> {
    return this.lock.run(`${CUSTOMER_ENTITY}:${customerId}`, async () => {
      await this.repo.setActivityRollup(customerId, await recount());
    });
  }

  /**
   * An activity that happened at `at` was added: `lastActivityAt` becomes the later of the two and
   * `openTasks` stays. Exact without a recount (a maximum only grows when an element is added) and
   * idempotent (`$max`), so a retry cannot overshoot the way an increment would; under the same lock.
   */
  raiseLastActivity(customerId: string, at: Date): Promise<void> {
    return this.lock.run(`${CUSTOMER_ENTITY}:${customerId}`, () => this.repo.raiseLastActivity(customerId, at));
  }
}
