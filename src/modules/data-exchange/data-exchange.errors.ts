import { codedError, ErrorKind } from '@app/common';

export enum DataExchangeErrorCode {
  MATCH_REQUIRED = 'exchange.match_required',
  MATCH_AMBIGUOUS = 'exchange.match_ambiguous',
  MATCH_OTHER_COMPANY = 'exchange.match_in_other_company',
  ID_REQUIRED = 'exchange.id_required',
  DATA_REQUIRED = 'exchange.data_required',
  NOT_MATCHED = 'exchange.not_matched',
  IMPORT_NOT_FOUND = 'import.not_found',
  IMPORT_FILE_REQUIRED = 'import.file_required',
  IMPORT_FILE_INVALID = 'import.file_invalid',
  IMPORT_FORM_INVALID = 'import.form_invalid',
  IMPORT_NOT_REVERTIBLE = 'import.not_revertible',
  IMPORT_TOO_LARGE = 'import.too_large',
}

const KIND: Record<DataExchangeErrorCode, ErrorKind> = {
  [DataExchangeErrorCode.MATCH_REQUIRED]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.MATCH_AMBIGUOUS]: ErrorKind.CONFLICT,
  [DataExchangeErrorCode.MATCH_OTHER_COMPANY]: ErrorKind.CONFLICT,
  [DataExchangeErrorCode.ID_REQUIRED]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.DATA_REQUIRED]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.NOT_MATCHED]: ErrorKind.NOT_FOUND,
  [DataExchangeErrorCode.IMPORT_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [DataExchangeErrorCode.IMPORT_FILE_REQUIRED]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.IMPORT_FILE_INVALID]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.IMPORT_FORM_INVALID]: ErrorKind.BAD_REQUEST,
  [DataExchangeErrorCode.IMPORT_NOT_REVERTIBLE]: ErrorKind.CONFLICT,
  [DataExchangeErrorCode.IMPORT_TOO_LARGE]: ErrorKind.PAYLOAD_TOO_LARGE,
};

export class DataExchangeError extends codedError<DataExchangeErrorCode>(KIND) {}
