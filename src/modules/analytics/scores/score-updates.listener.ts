import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DomainError } from '@app/common';
import { KeyedLock, systemPrincipal, TenantRunner } from '@app/tenancy';
import { ActivityDomainEvent, ActivityEventName } from '../../activity';
import { CustomerDomainEvent, CustomerEventName } from '../../customer';
import { OpportunityDomainEvent, OpportunityEventName } from '../../opportunity';
import { ScoringService } from './scoring.service';

/**
 * Incremental scoring: re-scores a customer after an event that changes what its scores depend on,
 * against the company's last quintile edges. Runs after the write's response (never slows it down),
 * one update at a time per customer, as the system. Updates of one customer coalesce: an event arriving
 * while an update of its customer is queued and not yet started adds nothing (that update reads the
 * customer after the event's write landed, so it scores it), so a burst of writes to one customer costs
 * at most two re-scores, not one per write.
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

  // Events after which the customer's own scores change: a new or restored customer, status, purchases.
  // One decorator per name: an array would be read as one namespaced event.
  @OnEvent(CustomerEventName.CREATED)
  @OnEvent(CustomerEventName.RESTORED)
  @OnEvent(CustomerEventName.STATUS_CHANGED)
  @OnEvent(CustomerEventName.REVENUE_RECORDED)
  @OnEvent(CustomerEventName.REVENUE_REVERSED)
  onCustomerEvent(event: unknown): void {
    if (!(event instanceof CustomerDomainEvent)) return;
    this.track(event.tenantId, event.customerId);
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
    const key = `${tenantId}\u0000${customerId}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const work = this.queue
      .run(key, () => {
        this.queued.delete(key);
        return this.runner.runInTenant(
          tenantId,
          async () => void (await this.scoring.recomputeCustomer(customerId)),
          systemPrincipal(tenantId, 'analytics'),
        );
      })
      .catch((err: unknown) => {
        // A customer deleted meanwhile, or a tenant gone: nothing to score.
        if (err instanceof DomainError && err.code.endsWith('not_found')) return;
        this.logger.error({ err, tenant: tenantId, customer: customerId }, 'incremental scoring failed');
      })
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }
}
