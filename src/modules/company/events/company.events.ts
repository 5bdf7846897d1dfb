import type { FieldDiff } from '@app/common';
import type { CompanyResponse } from '../dto/company.dto';

/** The Company module's domain events, emitted after the write they describe succeeded. */
export enum CompanyEventName {
  CREATED = 'company.created',
  UPDATED = 'company.updated',
  DELETED = 'company.deleted',
}

export class CompanyDomainEvent {
  constructor(
    readonly name: CompanyEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly actor: string,
    readonly at: Date,
    readonly company: CompanyResponse,
    readonly changes: Record<string, FieldDiff>,
    readonly requestId?: string,
  ) {}
}
