import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Marks a POST route as accepting `Idempotency-Key` (and documents it). */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
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
