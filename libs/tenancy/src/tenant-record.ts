export enum TenantStatus {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
}

/** One row of the tenant registry (control database, collection `tenants`). */
export interface TenantRecord {
  _id: string;
  name: string;
  dbName: string;
  status: TenantStatus;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** Hash of the index set last applied to the tenant database (`npm run migrate`); absent: unknown. */
  indexSetHash?: string;
  indexesAppliedAt?: Date;
}

/** What a request needs to know about its tenant. */
export interface TenantRef {
  id: string;
  dbName: string;
}

/** Slugs name databases, so they are kept to a shape that can never name another one. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{1,38}$/;
