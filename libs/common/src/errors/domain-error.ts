/**
 * What went wrong, in transport-neutral terms. The problem+json filter maps each kind to an
 * HTTP status with one exhaustive switch; the realtime gateway maps it to an error ack.
 */
export enum ErrorKind {
  BAD_REQUEST = 'bad_request',
  UNAUTHORIZED = 'unauthorized',
  FORBIDDEN = 'forbidden',
  NOT_FOUND = 'not_found',
  /** The record existed and is gone for good in a known way (a merged customer: 410 with where it went). */
  GONE = 'gone',
  CONFLICT = 'conflict',
  PRECONDITION_FAILED = 'precondition_failed',
  PRECONDITION_REQUIRED = 'precondition_required',
  UNPROCESSABLE = 'unprocessable',
  UNSUPPORTED_MEDIA_TYPE = 'unsupported_media_type',
  PAYLOAD_TOO_LARGE = 'payload_too_large',
  TOO_MANY_REQUESTS = 'too_many_requests',
  UNAVAILABLE = 'unavailable',
}

export interface FieldError {
  path: string;
  message: string;
}

/**
 * Base class of every error a module throws on purpose. `code` is a stable, module-specific
 * string (`customer.contact_not_found`) that clients can switch on; `detail` is for humans.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

/**
 * The base of a module's error class: its string-enum codes mapped to kinds once, so
 * `new CustomerError(CustomerErrorCode.NOT_FOUND, '...')` carries the right kind by construction.
 */
export function codedError<C extends string>(kinds: Readonly<Record<C, ErrorKind>>) {
  return class extends DomainError {
    constructor(code: C, detail: string, extra: Record<string, unknown> = {}) {
      super(kinds[code], code, detail, extra);
    }
  };
}
