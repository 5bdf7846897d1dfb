import type { TenantRunner } from '@app/tenancy';
import { CustomerDomainEvent, CustomerEventName, type CustomerSnapshot } from '../../customer';
import { ImportDomainEvent, ImportEventName, IMPORT_REQUEST_PREFIX } from '../../data-exchange';
import { ScoreUpdatesListener } from './score-updates.listener';
import type { ScoringService } from './scoring.service';

/** A scoring service whose re-scores finish only when the test says so. */
class GatedScoring {
  readonly started: string[] = [];
  private gates: Array<() => void> = [];

  recomputeCustomer(customerId: string): Promise<null> {
    this.started.push(customerId);
    return new Promise((resolve) => this.gates.push(() => resolve(null)));
  }

  recomputeCompany(companyId: string): Promise<null> {
    return this.recomputeCustomer(`company:${companyId}`);
  }

  /** Lets every re-score started so far finish. */
  async release(): Promise<void> {
    const gates = this.gates;
    this.gates = [];
    gates.forEach((open) => open());
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const runner = { runInTenant: (_tenant: string, fn: () => Promise<unknown>) => fn() } as unknown as TenantRunner;

function statusChanged(tenantId: string, customerId: string, requestId?: string): CustomerDomainEvent {
  const snapshot = { id: customerId } as unknown as CustomerSnapshot;
  return new CustomerDomainEvent(
    CustomerEventName.STATUS_CHANGED,
    tenantId,
    'company-1',
    customerId,
    'user-1',
    new Date(),
    snapshot,
    {},
    requestId,
  );
}

function importEnded(name: ImportEventName, created: number): ImportDomainEvent {
  const summary = {
    importId: 'i1',
    status: 'completed',
    processed: created,
    created,
    updated: 0,
    skipped: 0,
    failed: 0,
  };
  return new ImportDomainEvent(name, 't1', 'company-1', 'user-1', new Date(), summary, `${IMPORT_REQUEST_PREFIX}i1`);
}

describe('ScoreUpdatesListener', () => {
  it('coalesces a burst of events of one customer into the running re-score and one queued behind it', async () => {
    const scoring = new GatedScoring();
    const listener = new ScoreUpdatesListener(scoring as unknown as ScoringService, runner);

    listener.onCustomerEvent(statusChanged('t1', 'c1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(scoring.started).toEqual(['c1']);
    // While the first re-score runs, 20 more writes: one re-score queued behind it covers them all.
    for (let i = 0; i < 20; i++) listener.onCustomerEvent(statusChanged('t1', 'c1'));
    await scoring.release();
    expect(scoring.started).toEqual(['c1', 'c1']);
    // An event after the queued re-score started queues one more (that re-score may have read too early).
    listener.onCustomerEvent(statusChanged('t1', 'c1'));
    await scoring.release();
    await scoring.release();
    await listener.idle();
    expect(scoring.started).toEqual(['c1', 'c1', 'c1']);
  });

  it('keeps customers and tenants apart: each key gets its own re-score', async () => {
    const scoring = new GatedScoring();
    const listener = new ScoreUpdatesListener(scoring as unknown as ScoringService, runner);

    for (let i = 0; i < 3; i++) {
      listener.onCustomerEvent(statusChanged('t1', 'c1'));
      listener.onCustomerEvent(statusChanged('t1', 'c2'));
      listener.onCustomerEvent(statusChanged('t2', 'c1'));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(scoring.started.sort()).toEqual(['c1', 'c1', 'c2']);
    await scoring.release();
    await listener.idle();
    // Every event came before its key's re-score started: one re-score per key covered them.
    expect(scoring.started.sort()).toEqual(['c1', 'c1', 'c2']);
  });

  it("leaves an import's rows to one re-score of the company when the import ends", async () => {
    const scoring = new GatedScoring();
    const listener = new ScoreUpdatesListener(scoring as unknown as ScoringService, runner);

    for (let i = 0; i < 50; i++) listener.onCustomerEvent(statusChanged('t1', `c${i}`, `${IMPORT_REQUEST_PREFIX}i1`));
    listener.onCustomerEvent(statusChanged('t1', 'by-hand', 'req-1'));
    listener.onImportEvent(importEnded(ImportEventName.COMPLETED, 50));
    listener.onImportEvent(importEnded(ImportEventName.FAILED, 0));
    await new Promise((resolve) => setImmediate(resolve));
    await scoring.release();
    await listener.idle();
    expect(scoring.started.sort()).toEqual(['by-hand', 'company:company-1']);
  });
});
