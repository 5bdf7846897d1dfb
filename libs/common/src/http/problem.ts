import type { FieldError } from '../errors/domain-error';

/** RFC 9457 problem details, the one error body of the whole API. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  code: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:tenant-crm:problem:${code}`;
}
