import { codedError, ErrorKind } from '@app/common';

export enum CustomerErrorCode {
  NOT_FOUND = 'customer.not_found',
  CONTACT_NOT_FOUND = 'customer.contact_not_found',
  COMPANY_NOT_FOUND = 'customer.company_not_found',
  COMPANY_GONE = 'customer.company_gone',
  WRITE_CONFLICT = 'customer.write_conflict',
  TOO_MANY_TAGS = 'customer.too_many_tags',
  LEAD_CUSTOMER_DELETED = 'customer.lead_customer_deleted',
  SOURCE_FIXED = 'customer.source_fixed',
  REVENUE_ENTRY_NOT_FOUND = 'customer.revenue_entry_not_found',
  REVENUE_ALREADY_REVERSED = 'customer.revenue_already_reversed',
  REVENUE_NOT_REVERSIBLE = 'customer.revenue_not_reversible',
  IN_USE = 'customer.in_use',
  EXTERNAL_ID_TAKEN = 'customer.external_id_taken',
  MERGED = 'customer.merged',
  ALREADY_MERGED = 'customer.already_merged',
  MERGE_SOURCE_NOT_FOUND = 'customer.merge_source_not_found',
  MERGE_OTHER_COMPANY = 'customer.merge_other_company',
  MERGE_INVALID = 'customer.merge_invalid',
  MERGE_TOO_MANY_CONTACTS = 'customer.merge_too_many_contacts',
}

const KIND: Record<CustomerErrorCode, ErrorKind> = {
  [CustomerErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CustomerErrorCode.CONTACT_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CustomerErrorCode.COMPANY_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CustomerErrorCode.COMPANY_GONE]: ErrorKind.CONFLICT,
  [CustomerErrorCode.WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [CustomerErrorCode.TOO_MANY_TAGS]: ErrorKind.UNPROCESSABLE,
  [CustomerErrorCode.LEAD_CUSTOMER_DELETED]: ErrorKind.CONFLICT,
  [CustomerErrorCode.SOURCE_FIXED]: ErrorKind.CONFLICT,
  [CustomerErrorCode.REVENUE_ENTRY_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CustomerErrorCode.REVENUE_ALREADY_REVERSED]: ErrorKind.CONFLICT,
  [CustomerErrorCode.REVENUE_NOT_REVERSIBLE]: ErrorKind.CONFLICT,
  [CustomerErrorCode.IN_USE]: ErrorKind.CONFLICT,
  [CustomerErrorCode.EXTERNAL_ID_TAKEN]: ErrorKind.CONFLICT,
  [CustomerErrorCode.MERGED]: ErrorKind.GONE,
  [CustomerErrorCode.ALREADY_MERGED]: ErrorKind.CONFLICT,
  [CustomerErrorCode.MERGE_SOURCE_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [CustomerErrorCode.MERGE_OTHER_COMPANY]: ErrorKind.CONFLICT,
  [CustomerErrorCode.MERGE_INVALID]: ErrorKind.BAD_REQUEST,
  [CustomerErrorCode.MERGE_TOO_MANY_CONTACTS]: ErrorKind.UNPROCESSABLE,
};

export class CustomerError extends codedError<CustomerErrorCode>(KIND) {}

export function customerNotFound(id: string): CustomerError {
  return new CustomerError(CustomerErrorCode.NOT_FOUND, `Customer ${id} was not found.`);
}

export function contactNotFound(id: string): CustomerError {
  return new CustomerError(CustomerErrorCode.CONTACT_NOT_FOUND, `Contact ${id} was not found.`);
}

/** The only unique index a client's data can hit: externalId (see externalKeyOf). */
export function externalIdTaken(): CustomerError {
  return new CustomerError(
    CustomerErrorCode.EXTERNAL_ID_TAKEN,
    'Another customer of this tenant already has this externalId.',
  );
}
