import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorKind } from '../errors/domain-error';

const OBJECT_ID = /^[0-9a-f]{24}$/;

export function isObjectIdString(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** Rejects anything but a 24-hex-digit id before it reaches a query: 400, not 404 or 500. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<unknown, string> {
  /** The path parameter as the OpenAPI document describes it. */
  static readonly openApi = {
    type: 'string',
    pattern: OBJECT_ID.source,
    minLength: 24,
    maxLength: 24,
    example: '665f1c2e8b3e4a1d2c3b4a59',
  } as const;

  transform(value: unknown, meta: ArgumentMetadata): string {
    if (isObjectIdString(value)) return value;
    const name = meta.data ?? 'id';
    throw new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_id', `${name} must be a 24-character hex id.`, {}, [
      { path: name, message: `${name} must be a 24-character hex id` },
    ]);
  }
}
