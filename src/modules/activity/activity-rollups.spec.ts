import type { TenantContext } from '@app/tenancy';
import type { CustomerActivityRollup, CustomerActivityRollups } from '../customer';
import { ActivityRollups } from './activity-rollups';
import type { ActivityRepository } from './activity.repository';

/** A customer rollup store that records each recount and lets the test decide when it finishes. */
class SlowRollups {
  readonly stored: CustomerActivityRollup[] = [];
  readonly pending: Array<() => void> = [];
  raised: Date[] = [];

  async refresh(_id: string, recount: () => Promise<CustomerActivityRollup>): Promise<void> {
    await new Promise<void>((resolve) => this.pending.push(resolve));
    this.stored.push(await recount());
  }

  async raiseLastActivity(_id: string, at: Date): Promise<void> {
    this.raised.push(at);
  }
}

describe(ActivityRollups.name, () => {
  let counted: number;
  let store: SlowRollups;
  let sut: ActivityRollups;
  const tick = () => new Promise((r) => setImmediate(r));

  beforeEach(() => {
    counted = 0;
    store = new SlowRollups();
    const repo = {
      rollupOf: async () => ({ lastActivityAt: null, openTasks: ++counted }),
    } as unknown as ActivityRepository;
    const context = { dbName: 'crm_t_acme' } as TenantContext;
    sut = new ActivityRollups(repo, store as unknown as CustomerActivityRollups, context);
  });

  it('requests arriving while a recount runs share exactly one more, which starts after the first ends', async () => {
    const first = sut.refresh('c1');
    await tick();
    const queued = [sut.refresh('c1'), sut.refresh('c1'), sut.refresh('c1')];
    expect(store.pending).toHaveLength(1);
    store.pending.shift()?.();
    await first;
    await tick();
    expect(store.pending).toHaveLength(1); // the shared trailing recount, started only now
    store.pending.shift()?.();
    await Promise.all(queued);
    expect(store.stored.map((r) => r.openTasks)).toEqual([1, 2]);
    // Idle again: the next request runs a fresh recount.
    const later = sut.refresh('c1');
    await tick();
    store.pending.shift()?.();
    await later;
    expect(counted).toBe(3);
  });

  it('recounts of different customers do not wait for each other; no customer, no work', async () => {
    const one = sut.refresh('c1');
    const two = sut.refresh('c2');
    await tick();
    expect(store.pending).toHaveLength(2);
    store.pending.splice(0).forEach((go) => go());
    await Promise.all([one, two]);
    await sut.refresh(null);
    await sut.added(null, new Date());
    expect(counted).toBe(2);
    expect(store.raised).toEqual([]);
  });

  it('an added activity raises lastActivityAt without a recount', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    await sut.added('c1', at);
    expect(store.raised).toEqual([at]);
    expect(counted).toBe(0);
  });
});
