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
  /**
   * Names this incarnation of the tenant: a random id given at creation and never changed, so a
   * tenant deleted and created again under the same slug is another tenant. Tokens may carry it as
   * `tuid`. Absent only on records older than it (`npm run migrate` gives them one).
   */
  uid?: string;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** Ids of the data migrations done in the tenant database (see TenantMigration). */
  migrations?: string[];
  /** Hash of the index set last applied to the tenant database (`npm run migrate`); absent: unknown. */
  indexSetHash?: string;
  indexesAppliedAt?: Date;
}

/** What a request needs to know about its tenant. */
export interface TenantRef {
  id: string;
  dbName: string;
}

/**
 * Database names a tenant may never get, whatever the prefix: MongoDB's own. Compared without case,
 * because MongoDB refuses two database names that differ only in case.
 */
export const RESERVED_DATABASES: readonly string[] = ['admin', 'local', 'config'];

/** Slugs name databases, so they are kept to a shape that can never name another one. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{1,38}$/;
