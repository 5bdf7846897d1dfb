import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KeyedLock, TenantContext } from '@app/tenancy';
import type { CustomerLean } from '../schemas/customer.schema';
import { CustomerCounterRepository } from './customer-counter.repository';
import { addCounts, type Counts, countsDelta, countsDrift, countsOf } from './customer-counts';

export interface CounterDrift {
  companyId: string;
  /** Paths whose kept value differed from the recount. */
  paths: string[];
}

/**
 * Per-company customer counters, kept with every write: the customers' record type hands every write
 * that landed to `record` (see VersionedRecordType.afterWrite), so creates, edits, status changes,
 * deletes, restores, revenue and conversions, and any write path added later through the same
 * writer, move them; `erase` (a hard delete outside the writer) calls it too. This process increments
 * only its own shard, one increment at a time per company (KeyedLock), so concurrent writes on any
 * number of instances add up exactly on FerretDB too. The deltas of writes that arrive while an
 * increment is on its way are summed and go as the next one (an import's rows: one round trip for
 * many), and each writer's `record` settles with the increment that carried its delta. A crash between
 * a customer write and its increment leaves drift that `recount` (npm run migrate -- --verify) finds
 * and repairs.
 */
@Injectable()
export class CustomerCounters {
  /** This process's shard: shards are never shared between instances. */
  private readonly shard = randomUUID();
  private readonly queue = new KeyedLock();
  /** Per company: the summed deltas waiting for the next increment. */
  private readonly waiting = new Map<string, { delta: Counts; sent: Promise<void> }>();

  constructor(
    private readonly repo: CustomerCounterRepository,
    private readonly context: TenantContext,
  ) {}

  async record(before: CustomerLean | null, after: CustomerLean | null): Promise<void> {
    const companyId = (after ?? before)?.companyId;
    if (!companyId) return;
    const delta = countsDelta(before, after);
    if (!Object.keys(delta).length) return;
    const key = `${this.context.dbName}\u0000${companyId}`;
    const waiting = this.waiting.get(key);
    if (waiting) {
      waiting.delta = addCounts(waiting.delta, delta);
      return waiting.sent;
    }
    const next = { delta, sent: Promise.resolve() };
    this.waiting.set(key, next);
    next.sent = this.queue.run(key, () => {
      // From here on, writes wait for the increment after this one.
      this.waiting.delete(key);
      const sum = Object.fromEntries(Object.entries(next.delta).filter(([, v]) => v !== 0));
      return Object.keys(sum).length ? this.repo.add(companyId, this.shard, sum) : Promise.resolve();
    });
    return next.sent;
  }

  /** The counters of these companies summed (every company when undefined). */
  async total(companyIds?: readonly string[]): Promise<Counts> {
    const sums = await this.repo.byCompany(companyIds);
    return [...sums.values()].reduce(addCounts, {});
  }

  /**
   * Compares the counters with a recount of `customers` (every customer of the tenant, streamed) and,
   * with `repair`, replaces a drifted company's shards with the recount. Run it while the tenant is
   * quiet: a write landing during the recount can be counted on one side only (run it again then).
   */
  async recount(customers: AsyncIterable<CustomerLean>, repair: boolean): Promise<CounterDrift[]> {
    const recounted = new Map<string, Counts>();
    for await (const c of customers) {
      recounted.set(c.companyId, addCounts(recounted.get(c.companyId) ?? {}, countsOf(c)));
    }
    const kept = await this.repo.byCompany();
    const drift: CounterDrift[] = [];
    for (const companyId of new Set([...recounted.keys(), ...kept.keys()])) {
      const expected = recounted.get(companyId) ?? {};
      const paths = countsDrift(expected, kept.get(companyId) ?? {});
      if (!paths.length) continue;
      drift.push({ companyId, paths });
      if (repair) {
        const nonZero = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== 0));
        await this.queue.run(`${this.context.dbName}\u0000${companyId}`, () =>
          this.repo.replace(companyId, this.shard, nonZero),
        );
      }
    }
    return drift;
  }
}
