import { codedError, ErrorKind } from '@app/common';

export enum AnalyticsErrorCode {
  SEGMENT_NOT_FOUND = 'segment.not_found',
  SEGMENT_VERSION_MISMATCH = 'segment.version_mismatch',
  SEGMENT_WRITE_CONFLICT = 'segment.write_conflict',
  SEGMENT_LIMIT_REACHED = 'segment.limit_reached',
  SEGMENT_TOO_LARGE = 'segment.too_large',
  SEGMENT_INVALID_RANGE = 'segment.invalid_range',
  HEALTH_MODEL_VERSION_MISMATCH = 'health_model.version_mismatch',
  HEALTH_MODEL_INVALID = 'health_model.invalid',
  INVALID_PERIOD = 'analytics.invalid_period',
  INVALID_CURSOR = 'analytics.invalid_cursor',
}

const KIND: Record<AnalyticsErrorCode, ErrorKind> = {
  [AnalyticsErrorCode.SEGMENT_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [AnalyticsErrorCode.SEGMENT_VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
  [AnalyticsErrorCode.SEGMENT_WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [AnalyticsErrorCode.SEGMENT_LIMIT_REACHED]: ErrorKind.CONFLICT,
  [AnalyticsErrorCode.SEGMENT_TOO_LARGE]: ErrorKind.UNPROCESSABLE,
  [AnalyticsErrorCode.SEGMENT_INVALID_RANGE]: ErrorKind.BAD_REQUEST,
  [AnalyticsErrorCode.HEALTH_MODEL_VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
  [AnalyticsErrorCode.HEALTH_MODEL_INVALID]: ErrorKind.BAD_REQUEST,
  [AnalyticsErrorCode.INVALID_PERIOD]: ErrorKind.BAD_REQUEST,
  [AnalyticsErrorCode.INVALID_CURSOR]: ErrorKind.BAD_REQUEST,
};

export class AnalyticsError extends codedError<AnalyticsErrorCode>(KIND) {}

export const segmentNotFound = (id: string) =>
  new AnalyticsError(AnalyticsErrorCode.SEGMENT_NOT_FOUND, `Segment ${id} was not found.`);
