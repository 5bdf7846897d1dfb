import { DomainError, ErrorKind } from './domain-error';

/** The same answer for "missing" and "belongs to another tenant": existence never leaks. */
export function notFound(entity: string, id: string): DomainError {
  return new DomainError(ErrorKind.NOT_FOUND, `${entity}.not_found`, `${capitalise(entity)} ${id} was not found.`);
}

export function staleVersion(entity: string, expected: number, actual: number): DomainError {
  return new DomainError(
    ErrorKind.PRECONDITION_FAILED,
    `${entity}.version_mismatch`,
    `${capitalise(entity)} is at version ${actual}, the request expected ${expected}. Reload and retry.`,
    { currentVersion: actual },
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
