import { codedError, ErrorKind } from '@app/common';

export enum IdempotencyErrorCode {
  INVALID_KEY = 'idempotency.invalid_key',
  KEY_REUSED = 'idempotency.key_reused',
  IN_PROGRESS = 'idempotency.in_progress',
}

const KIND: Record<IdempotencyErrorCode, ErrorKind> = {
  [IdempotencyErrorCode.INVALID_KEY]: ErrorKind.BAD_REQUEST,
  [IdempotencyErrorCode.KEY_REUSED]: ErrorKind.UNPROCESSABLE,
  [IdempotencyErrorCode.IN_PROGRESS]: ErrorKind.CONFLICT,
};

export class IdempotencyError extends codedError<IdempotencyErrorCode>(KIND) {}
