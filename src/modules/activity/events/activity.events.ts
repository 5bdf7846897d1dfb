import type { FieldDiff } from '@app/common';
import { DomainEvent } from '@app/tenancy';
import type { ActivityResponse } from '../dto/activity.response';

/** The Activity module's domain events, emitted after the write they describe succeeded. */
export enum ActivityEventName {
  CREATED = 'activity.created',
  UPDATED = 'activity.updated',
  COMPLETED = 'activity.completed',
  REOPENED = 'activity.reopened',
  DELETED = 'activity.deleted',
}

/** Filed under the activity's company, so it reaches that company's room and the tenant's webhooks. */
export class ActivityDomainEvent extends DomainEvent {
  constructor(
    readonly name: ActivityEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly activity: ActivityResponse,
    readonly actor: string,
    readonly at: Date,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  get activityId(): string {
    return this.activity.id;
  }

  payload(): Record<string, unknown> {
    return {
      tenantId: this.tenantId,
      companyId: this.companyId,
      activityId: this.activity.id,
      target: this.activity.target,
      activity: this.activity,
      changes: this.changes,
      actor: this.actor,
      at: this.at.toISOString(),
    };
  }
}
