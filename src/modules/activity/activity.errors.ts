import { codedError, DomainError, ErrorKind } from '@app/common';

export enum ActivityErrorCode {
  NOT_FOUND = 'activity.not_found',
  TARGET_REQUIRED = 'activity.target_required',
  TARGET_UNSUPPORTED = 'activity.target_unsupported',
  FIELD_NOT_FOR_TYPE = 'activity.field_not_for_type',
  NOT_A_TASK = 'activity.not_a_task',
  NOT_AUTHOR = 'activity.not_author',
  VERSION_MISMATCH = 'activity.version_mismatch',
  WRITE_CONFLICT = 'activity.write_conflict',
}

const KIND: Record<ActivityErrorCode, ErrorKind> = {
  [ActivityErrorCode.NOT_FOUND]: ErrorKind.NOT_FOUND,
  [ActivityErrorCode.TARGET_REQUIRED]: ErrorKind.BAD_REQUEST,
  [ActivityErrorCode.TARGET_UNSUPPORTED]: ErrorKind.BAD_REQUEST,
  [ActivityErrorCode.FIELD_NOT_FOR_TYPE]: ErrorKind.BAD_REQUEST,
  [ActivityErrorCode.NOT_A_TASK]: ErrorKind.CONFLICT,
  [ActivityErrorCode.NOT_AUTHOR]: ErrorKind.FORBIDDEN,
  [ActivityErrorCode.VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
  [ActivityErrorCode.WRITE_CONFLICT]: ErrorKind.CONFLICT,
};

export class ActivityError extends codedError<ActivityErrorCode>(KIND) {}

export const activityNotFound = (id: string) =>
  new ActivityError(ActivityErrorCode.NOT_FOUND, `Activity ${id} was not found.`);

/** A 400 naming the request field at fault. */
export function activityFieldError(code: ActivityErrorCode, path: string, message: string): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, code, message, {}, [{ path, message }]);
}
