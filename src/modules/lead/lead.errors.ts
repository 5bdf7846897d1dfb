import { codedError, ErrorKind } from '@app/common';

export enum LeadErrorCode {
  NOT_FOUND = 'lead.not_found',
  ALREADY_CONVERTED = 'lead.already_converted',
  READ_ONLY = 'lead.converted_read_only',
  VERSION_MISMATCH = 'lead.version_mismatch',
  CONVERSION_STATUS = 'lead.conversion_status_invalid',
  WRITE_CONFLICT = 'lead.write_conflict',
  EXTERNAL_ID_TAKEN = 'lead.external_id_taken',
}

const KIND: Record<LeadErrorCode, ErrorKind> = {
  [LeadErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [LeadErrorCode.ALREADY_CONVERTED]: ErrorKind.CONFLICT,
  [LeadErrorCode.READ_ONLY]: ErrorKind.CONFLICT,
  [LeadErrorCode.VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
  [LeadErrorCode.CONVERSION_STATUS]: ErrorKind.BAD_REQUEST,
  [LeadErrorCode.WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [LeadErrorCode.EXTERNAL_ID_TAKEN]: ErrorKind.CONFLICT,
};

export class LeadError extends codedError<LeadErrorCode>(KIND) {}

export const leadNotFound = (id: string) => new LeadError(LeadErrorCode.NOT_FOUND, `Lead ${id} was not found.`);
