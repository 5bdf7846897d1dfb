import { Injectable } from '@nestjs/common';
import { TenantContext } from '@app/tenancy';
import { CustomerActivityRollups } from '../customer';
import { ActivityRepository } from './activity.repository';

/**
 * After an activity write, the customer's `lastActivityAt` and `openTasks` are made right again under
 * the customer's record lock (see CustomerActivityRollups), never by an increment that could drift:
 * - an activity that happened was added (a note, call, email or meeting logged): `lastActivityAt` is
 *   raised to its occurredAt (`$max`: exact, idempotent, no scan);
 * - anything else (tasks opened, done, reopened; deletes; moved dates; re-pointing): a recount from the
 *   activities. Recounts of one customer are coalesced: a request arriving while one runs waits for the
 *   next, which starts after it arrived and so sees its write; every request waiting then shares it.
 */
@Injectable()
export class ActivityRollups {
  /** Per tenant database and customer: the recount running, and the one queued behind it. */
  private readonly recounts = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

  constructor(
    private readonly repo: ActivityRepository,
    private readonly customers: CustomerActivityRollups,
    private readonly context: TenantContext,
  ) {}

  /** An activity that happened at `at` joined the customer. */
  async added(customerId: string | null, at: Date): Promise<void> {
    if (customerId) await this.customers.raiseLastActivity(customerId, at);
  }

  /** Recounts the customer's rollup from its activities. */
  refresh(customerId: string | null): Promise<void> {
    if (!customerId) return Promise.resolve();
    const key = `${this.context.dbName}\u0000${customerId}`;
    const slot = this.recounts.get(key);
    if (!slot) {
      const running = this.recount(customerId).finally(() => this.advance(key, running));
      this.recounts.set(key, { running });
      return running;
    }
    slot.next ??= slot.running.catch(() => undefined).then(() => this.recount(customerId));
    return slot.next;
  }

  /** The running recount finished: the queued one (if any) becomes the running one. */
  private advance(key: string, finished: Promise<void>): void {
    const slot = this.recounts.get(key);
    if (!slot || slot.running !== finished) return;
    if (!slot.next) {
      this.recounts.delete(key);
      return;
    }
    const running = slot.next;
    this.recounts.set(key, { running });
    void running.catch(() => undefined).finally(() => this.advance(key, running));
  }

  private recount(customerId: string): Promise<void> {
    return this.customers.refresh(customerId, () => this.repo.rollupOf(customerId));
  }
}
