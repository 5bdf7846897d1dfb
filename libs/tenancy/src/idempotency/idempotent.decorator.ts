import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_NOT_STORED } from './idempotency-metadata';

export interface IdempotentOptions {
  /**
   * Response fields that must never be written to the database (a secret shown once): a replay
   * answers without them.
   */
  notStored?: readonly string[];
}

/** Marks a POST route as accepting `Idempotency-Key` (and documents it). */
export function Idempotent(opts: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_NOT_STORED, opts.notStored ?? []),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (1-255 visible ASCII). A retry with the same key and body within 24 h returns the first response without a second write.',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, maxLength: 255, example: 'b7e0c2d4-create-1' },
    }),
    ApiResponse({ status: 409, description: 'A request with this Idempotency-Key is still in progress' }),
    ApiResponse({ status: 422, description: 'Idempotency-Key already used with a different body or route' }),
  );
}
