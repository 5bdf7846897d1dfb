import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors, invalidInput } from '@app/common';

/**
 * Validates a socket message against its DTO with the same policy as the HTTP ValidationPipe
 * (unknown fields refused, no implicit conversion), throwing request.validation_failed.
 */
export function parseMessage<T extends object>(dto: new () => T, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput([{ path: '', message: 'the message must be one JSON object' }]);
  }
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw invalidInput(flattenValidationErrors(errors));
  return instance;
}
