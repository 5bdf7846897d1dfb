import { codedError, ErrorKind } from '@app/common';

export enum CompanyErrorCode {
  NOT_FOUND = 'company.not_found',
  EXISTS = 'company.exists',
  IN_USE = 'company.in_use',
  WRITE_CONFLICT = 'company.write_conflict',
  VERSION_MISMATCH = 'company.version_mismatch',
}

const KIND: Record<CompanyErrorCode, ErrorKind> = {
  [CompanyErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CompanyErrorCode.EXISTS]: ErrorKind.CONFLICT,
  [CompanyErrorCode.IN_USE]: ErrorKind.CONFLICT,
  [CompanyErrorCode.WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [CompanyErrorCode.VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
};

export class CompanyError extends codedError<CompanyErrorCode>(KIND) {}

export const companyNotFound = (id: string) =>
  new CompanyError(CompanyErrorCode.NOT_FOUND, `Company ${id} was not found.`);
