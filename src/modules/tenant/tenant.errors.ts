import { codedError, ErrorKind } from '@app/common';

export enum TenantErrorCode {
  NOT_FOUND = 'tenant.not_found',
  EXISTS = 'tenant.exists',
  CONFIRMATION_MISMATCH = 'tenant.confirmation_mismatch',
  SAME_TENANT = 'tenant.isolation_same_tenant',
  COMPANY_NOT_FOUND = 'company.not_found',
  COMPANY_EXISTS = 'company.exists',
  COMPANY_IN_USE = 'company.in_use',
}

const KIND: Record<TenantErrorCode, ErrorKind> = {
  [TenantErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [TenantErrorCode.EXISTS]: ErrorKind.CONFLICT,
  [TenantErrorCode.CONFIRMATION_MISMATCH]: ErrorKind.BAD_REQUEST,
  [TenantErrorCode.SAME_TENANT]: ErrorKind.BAD_REQUEST,
  [TenantErrorCode.COMPANY_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [TenantErrorCode.COMPANY_EXISTS]: ErrorKind.CONFLICT,
  [TenantErrorCode.COMPANY_IN_USE]: ErrorKind.CONFLICT,
};

export class TenantError extends codedError<TenantErrorCode>(KIND) {}
