import { DomainEvent } from '@app/tenancy';

/** One event per import (each record it writes has its own customer.* event besides). */
export enum ImportEventName {
  COMPLETED = 'import.completed',
  FAILED = 'import.failed',
  REVERTED = 'import.reverted',
}

/** The request id every write of an import carries (its audit entries and events): `import:<id>`. */
export const IMPORT_REQUEST_PREFIX = 'import:';

/** Whether an event or audit entry was written by an import's background run. */
export function isImportRequest(requestId: string | undefined): boolean {
  return requestId?.startsWith(IMPORT_REQUEST_PREFIX) ?? false;
}

/** Sent to the importer's sockets only (a UserNotice), after each batch of rows. */
export const IMPORT_PROGRESS = 'import.progress';

export interface ImportSummary {
  importId: string;
  status: string;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export class ImportDomainEvent extends DomainEvent {
  constructor(
    readonly name: ImportEventName,
    readonly tenantId: string,
    readonly companyId: string,
    readonly actor: string,
    readonly at: Date,
    readonly summary: ImportSummary,
    readonly requestId?: string,
  ) {
    super();
  }

  payload(): Record<string, unknown> {
    return { companyId: this.companyId, ...this.summary, actor: this.actor, at: new Date(this.at).toISOString() };
  }
}
