import { type Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, ErrorKind, FieldError } from '../errors/domain-error';

/** Flattens class-validator's tree into `{ path, message }` pairs with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

export function invalidInput(errors: FieldError[]): DomainError {
  const first = errors[0];
  const detail = first ? `${errors.length} invalid field(s); first: ${first.message}` : 'The request is not valid.';
  return new DomainError(ErrorKind.BAD_REQUEST, 'request.validation_failed', detail, {}, errors);
}

/**
 * The single validation policy: strip nothing silently (unknown fields are an error), turn query
 * strings into typed values, and report every failing field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidInput(flattenValidationErrors(errors)),
  });
}

/**
 * `plain` as a validated `cls`, under the same policy as the pipe (unknown fields refused), for
 * input that arrives inside another body (batch items, import rows); else request.validation_failed
 * with paths under `prefix`.
 */
export async function validatedInput<T extends object>(cls: Type<T>, plain: unknown, prefix = ''): Promise<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw invalidInput([{ path: prefix || '(body)', message: 'must be an object' }]);
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw invalidInput(flattenValidationErrors(errors, prefix));
  return instance;
}
