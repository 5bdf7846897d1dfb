import { HttpStatus } from '@nestjs/common';
import { assertUnreachable, ErrorKind } from './domain-error';

export function statusOf(kind: ErrorKind): HttpStatus {
  switch (kind) {
    case ErrorKind.BAD_REQUEST:
      return HttpStatus.BAD_REQUEST;
    case ErrorKind.UNAUTHORIZED:
      return HttpStatus.UNAUTHORIZED;
    case ErrorKind.FORBIDDEN:
      return HttpStatus.FORBIDDEN;
    case ErrorKind.NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ErrorKind.GONE:
      return HttpStatus.GONE;
    case ErrorKind.CONFLICT:
      return HttpStatus.CONFLICT;
    case ErrorKind.PRECONDITION_FAILED:
      return HttpStatus.PRECONDITION_FAILED;
    case ErrorKind.PRECONDITION_REQUIRED:
      return HttpStatus.PRECONDITION_REQUIRED;
    case ErrorKind.UNPROCESSABLE:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorKind.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case ErrorKind.PAYLOAD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorKind.TOO_MANY_REQUESTS:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorKind.UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return assertUnreachable(kind);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
