import type { FieldDiff } from '@app/common';

/** What a service tells the audit log about one mutation; actor and request come from the context. */
export interface AuditRecordInput {
  action: string;
  entityType: string;
  entityId: string;
  companyId?: string | null;
  changes: Record<string, FieldDiff>;
  /** Defaults to now. Pass the write's own timestamp so audit and record agree. */
  at?: Date;
}
