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

export class LeadDomainEvent {
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
  ) {}
}
