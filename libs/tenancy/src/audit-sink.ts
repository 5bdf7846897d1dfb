import type { FieldDiff } from '@app/common';

/** What a writer tells the audit log about one mutation; actor and request id come from the context. */
export interface AuditRecordInput {
  action: string;
  entityType: string;
  entityId: string;
  companyId?: string | null;
  changes: Record<string, FieldDiff>;
  /** Defaults to now. Pass the write's own timestamp so audit and record agree. */
  at?: Date;
}

/** The tenant audit log as writers see it (the Audit module provides it). */
export interface AuditSink {
  record(input: AuditRecordInput): Promise<void>;
}

export const AUDIT_SINK = Symbol('AuditSink');
