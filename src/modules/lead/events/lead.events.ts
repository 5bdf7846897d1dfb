import { DomainEvent } from '@app/tenancy';

/** The Lead module's domain events, emitted after the write they describe succeeded. */
export enum LeadEventName {
  CREATED = 'lead.created',
  UPDATED = 'lead.updated',
  DELETED = 'lead.deleted',
  CONVERTED = 'lead.converted',
}

export interface LeadFieldChange {
  from: unknown;
  to: unknown;
}

export class LeadDomainEvent extends DomainEvent {
  constructor(
    readonly name: LeadEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly leadId: string,
    readonly actor: string,
    readonly at: Date,
    readonly changes: Record<string, LeadFieldChange>,
    /** Set on lead.converted: the customer the lead became. */
    readonly customerId?: string,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return {
      companyId: this.companyId,
      leadId: this.leadId,
      ...(this.customerId ? { customerId: this.customerId } : {}),
      changes: this.changes,
      actor: this.actor,
      at: this.at.toISOString(),
    };
  }
}
