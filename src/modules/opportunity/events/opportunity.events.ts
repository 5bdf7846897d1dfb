import type { FieldDiff } from '@app/common';
import { DomainEvent } from '@app/tenancy';

/** The Opportunity module's domain events, emitted after the write they describe succeeded. */
export enum OpportunityEventName {
  CREATED = 'opportunity.created',
  UPDATED = 'opportunity.updated',
  STAGE_CHANGED = 'opportunity.stage_changed',
  WON = 'opportunity.won',
  LOST = 'opportunity.lost',
  REOPENED = 'opportunity.reopened',
  DELETED = 'opportunity.deleted',
}

/** Pipelines are tenant-wide settings: their events reach webhooks, no company room. */
export enum PipelineEventName {
  CREATED = 'pipeline.created',
  UPDATED = 'pipeline.updated',
}

export class OpportunityDomainEvent extends DomainEvent {
  constructor(
    readonly name: OpportunityEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly opportunityId: string,
    readonly customerId: string,
    readonly actor: string,
    readonly at: Date,
    /** The deal after the change (as GET /opportunities/:id). */
    readonly opportunity: Record<string, unknown>,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return {
      companyId: this.companyId,
      opportunityId: this.opportunityId,
      customerId: this.customerId,
      opportunity: this.opportunity,
      changes: this.changes,
      actor: this.actor,
      at: new Date(this.at).toISOString(),
    };
  }
}

export class PipelineDomainEvent extends DomainEvent {
  readonly companyId = null;

  constructor(
    readonly name: PipelineEventName,
    readonly tenantId: string,
    readonly actor: string,
    readonly at: Date,
    readonly pipeline: Record<string, unknown>,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return { pipeline: this.pipeline, changes: this.changes, actor: this.actor, at: new Date(this.at).toISOString() };
  }
}
