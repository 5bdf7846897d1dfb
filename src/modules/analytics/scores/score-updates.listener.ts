import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DomainError } from '@app/common';
import { KeyedLock, systemPrincipal, TenantRunner } from '@app/tenancy';
import { ActivityDomainEvent, ActivityEventName } from '../../activity';
import {
  CustomerDomainEvent,
  CustomerEventName,
  CustomerMergeCompletedEvent,
  CustomerMergeEventName,
} from '../../customer';
import { ImportDomainEvent, ImportEventName, isImportRequest } from '../../data-exchange';
import { OpportunityDomainEvent, OpportunityEventName } from '../../opportunity';
import { ScoringService } from './scoring.service';

/**
 * Incremental scoring: re-scores a customer after an event that changes what its scores depend on,
 * against the company's last quintile edges. Runs after the write's response (never slows it down),
 * one update at a time per customer, as the system. Updates of one customer coalesce: an event arriving
 * while an update of its customer is queued and not yet started adds nothing (that update reads the
 * customer after the event's write landed, so it scores it), so a burst of writes to one customer costs
 * at most two re-scores, not one per write. An import's rows are not scored one by one: when the
 * import ends, its company is re-scored in one pass (one scan of the company instead of a re-score,
 * with its reads of the customer's ledger and activities, per row).
 */
@Injectable()
export class ScoreUpdatesListener {
  private readonly logger = new Logger(ScoreUpdatesListener.name);
  private readonly queue = new KeyedLock();
  private readonly pending = new Set<Promise<void>>();
  /** Customers (per tenant) with an update queued that has not started yet. */
  private readonly queued = new Set<string>();

  constructor(
    private readonly scoring: ScoringService,
    private readonly runner: TenantRunner,
  ) {}

  // Events after which the customer's own scores change: a new or restored customer, status, purchases;
  // a deleted or merged-away one loses its score (the re-score finds it gone).
  // One decorator per name: an array would be read as one namespaced event.
  @OnEvent(CustomerEventName.CREATED)
  @OnEvent(CustomerEventName.RESTORED)
  @OnEvent(CustomerEventName.STATUS_CHANGED)
  @OnEvent(CustomerEventName.REVENUE_RECORDED)
  @OnEvent(CustomerEventName.REVENUE_REVERSED)
  @OnEvent(CustomerEventName.DELETED)
  @OnEvent(CustomerEventName.MERGED)
  onCustomerEvent(event: unknown): void {
    if (!(event instanceof CustomerDomainEvent) || isImportRequest(event.requestId)) return;
    this.track(event.tenantId, event.customerId);
  }

  // A merge's survivor takes its sources' purchases, activities and deals.
  @OnEvent(CustomerMergeEventName.COMPLETED)
  onMergeEvent(event: unknown): void {
    if (!(event instanceof CustomerMergeCompletedEvent)) return;
    this.track(event.tenantId, event.customerId);
  }

  // An import that wrote records (completed, or failed part-way) re-scores its company once.
  @OnEvent(ImportEventName.COMPLETED)
  @OnEvent(ImportEventName.FAILED)
  onImportEvent(event: unknown): void {
    if (!(event instanceof ImportDomainEvent)) return;
    if (event.summary.created + event.summary.updated === 0) return;
    this.schedule(`${event.tenantId}\u0000company\u0000${event.companyId}`, event.tenantId, () =>
      this.scoring.recomputeCompany(event.companyId),
    );
  }

  // An activity moves the customer's last activity, and a task its overdue tasks (created, done, reopened,
  // deleted, dueAt moved); activities on a deal count for the deal's customer (`customerId`).
  @OnEvent(ActivityEventName.CREATED)
  @OnEvent(ActivityEventName.UPDATED)
  @OnEvent(ActivityEventName.COMPLETED)
  @OnEvent(ActivityEventName.REOPENED)
  @OnEvent(ActivityEventName.DELETED)
  onActivityEvent(event: unknown): void {
    if (!(event instanceof ActivityDomainEvent) || !event.activity.customerId) return;
    this.track(event.tenantId, event.activity.customerId);
  }

  // A deal opened, closed, reopened, re-valued or deleted changes the customer's open deal value.
  @OnEvent(OpportunityEventName.CREATED)
  @OnEvent(OpportunityEventName.UPDATED)
  @OnEvent(OpportunityEventName.WON)
  @OnEvent(OpportunityEventName.LOST)
  @OnEvent(OpportunityEventName.REOPENED)
  @OnEvent(OpportunityEventName.DELETED)
  onOpportunityEvent(event: unknown): void {
    if (!(event instanceof OpportunityDomainEvent)) return;
    this.track(event.tenantId, event.customerId);
  }

  /** Resolves once every update queued so far has run (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private track(tenantId: string, customerId: string): void {
    this.schedule(`${tenantId}\u0000${customerId}`, tenantId, () => this.scoring.recomputeCustomer(customerId));
  }

  /** Queues `rescore` behind the running one of the same key, unless one is queued and not started. */
  private schedule(key: string, tenantId: string, rescore: () => Promise<unknown>): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const work = this.queue
      .run(key, () => {
        this.queued.delete(key);
        return this.runner.runInTenant(
          tenantId,
          async () => void (await rescore()),
          systemPrincipal(tenantId, 'analytics'),
        );
      })
      .catch((err: unknown) => {
        // A customer deleted meanwhile, or a tenant gone: nothing to score.
        if (err instanceof DomainError && err.code.endsWith('not_found')) return;
        this.logger.error({ err, tenant: tenantId, key }, 'incremental scoring failed');
      })
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }
}
