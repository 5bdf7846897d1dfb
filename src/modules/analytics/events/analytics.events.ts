import type { FieldDiff } from '@app/common';
import { DomainEvent } from '@app/tenancy';

export enum ScoreEventName {
  /** The customer moved to another RFM segment (`no_purchase` included). */
  SEGMENT_CHANGED = 'customer.segment_changed',
  /** The customer's health moved to another band. */
  HEALTH_CHANGED = 'customer.health_changed',
}

export enum SegmentEventName {
  CREATED = 'segment.created',
  UPDATED = 'segment.updated',
  DELETED = 'segment.deleted',
}

export enum HealthModelEventName {
  CHANGED = 'analytics.health_model_changed',
}

/** A score change of one customer: reaches the company room and the tenant's webhooks. */
export class CustomerScoreChangedEvent extends DomainEvent {
  readonly actor = 'system';

  constructor(
    readonly name: ScoreEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly customerId: string,
    readonly at: Date,
    readonly from: string,
    readonly to: string,
    /** RFM code or health score after the change. */
    readonly detail: Record<string, unknown>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return {
      companyId: this.companyId,
      customerId: this.customerId,
      from: this.from,
      to: this.to,
      ...this.detail,
      at: this.at.toISOString(),
    };
  }
}

export class SegmentDomainEvent extends DomainEvent {
  constructor(
    readonly name: SegmentEventName,
    readonly tenantId: string,
    readonly companyId: string | null,
    readonly actor: string,
    readonly at: Date,
    readonly segment: object,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return { segment: this.segment, changes: this.changes, actor: this.actor, at: this.at.toISOString() };
  }
}

/** Tenant-wide (no company room), like the tenant's other settings. */
export class HealthModelChangedEvent extends DomainEvent {
  readonly companyId = null;

  constructor(
    readonly tenantId: string,
    readonly actor: string,
    readonly at: Date,
    readonly model: object,
    readonly requestId?: string,
  ) {
    super();
  }

  readonly name = HealthModelEventName.CHANGED;

  payload(): Record<string, unknown> {
    return { model: this.model, actor: this.actor, at: this.at.toISOString() };
  }
}
