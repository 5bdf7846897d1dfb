import { codedError, ErrorKind } from '@app/common';

export enum TenantErrorCode {
  NOT_FOUND = 'tenant.not_found',
  EXISTS = 'tenant.exists',
  CONFIRMATION_MISMATCH = 'tenant.confirmation_mismatch',
  SAME_TENANT = 'tenant.isolation_same_tenant',
  DATABASE_TAKEN = 'tenant.database_taken',
}

const KIND: Record<TenantErrorCode, ErrorKind> = {
  [TenantErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [TenantErrorCode.EXISTS]: ErrorKind.CONFLICT,
  [TenantErrorCode.CONFIRMATION_MISMATCH]: ErrorKind.BAD_REQUEST,
  [TenantErrorCode.SAME_TENANT]: ErrorKind.BAD_REQUEST,
  [TenantErrorCode.DATABASE_TAKEN]: ErrorKind.CONFLICT,
};

export class TenantError extends codedError<TenantErrorCode>(KIND) {}
