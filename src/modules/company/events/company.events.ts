import type { FieldDiff } from '@app/common';
import { DomainEvent } from '@app/tenancy';
import type { CompanyResponse } from '../dto/company.dto';

/** The Company module's domain events, emitted after the write they describe succeeded. */
export enum CompanyEventName {
  CREATED = 'company.created',
  UPDATED = 'company.updated',
  DELETED = 'company.deleted',
}

/**
 * Companies are the tenant's own structure, managed by its admins: their events are tenant-wide
 * (no company room; webhooks without a company filter).
 */
export class CompanyDomainEvent extends DomainEvent {
  readonly companyId = null;

  constructor(
    readonly name: CompanyEventName,
    readonly tenantId: string,
    readonly actor: string,
    readonly at: Date,
    readonly company: CompanyResponse,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return {
      company: this.company,
      changes: this.changes,
      actor: this.actor,
      at: this.at.toISOString(),
    };
  }
}
