import { DomainError, ErrorKind } from '../errors/domain-error';

export type SortDirection = 1 | -1;

/** How an API sort key maps to a stored field, and how its values travel inside a cursor. */
export interface SortField {
  field: string;
  kind: 'date' | 'string';
}

/** A parsed `sort` parameter: `-updatedAt` → field updatedAt, direction -1. */
export interface SortSpec {
  /** The key as the client wrote it (`-updatedAt`); cursors are bound to it. */
  key: string;
  field: string;
  kind: SortField['kind'];
  direction: SortDirection;
}

/**
 * Parses `name` / `-name` against the allowed fields. Unknown keys are a 400, never passed on,
 * so a client can not sort by (and so probe) an internal field.
 */
export function parseSort(
  raw: string | undefined,
  fields: Readonly<Record<string, SortField>>,
  fallback: string,
): SortSpec {
  const key = raw ?? fallback;
  const descending = key.startsWith('-');
  const name = descending ? key.slice(1) : key;
  const def = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
  if (!def) {
    const allowed = Object.keys(fields).flatMap((f) => [f, `-${f}`]);
    throw new DomainError(
      ErrorKind.BAD_REQUEST,
      'request.invalid_sort',
      `sort must be one of ${allowed.join(', ')}.`,
      {},
      [{ path: 'sort', message: `sort must be one of ${allowed.join(', ')}` }],
    );
  }
  return { key, field: def.field, kind: def.kind, direction: descending ? -1 : 1 };
}

/**
 * The sorts of customer and lead lists. `name` sorts by a lower-cased copy (no collation on
 * FerretDB). The default is createdAt: it never changes, so paging the default order is exact
 * even while others edit; a record whose sort key changes mid-way moves to its new place.
 */
export const RECORD_SORT_FIELDS: Readonly<Record<string, SortField>> = {
  updatedAt: { field: 'updatedAt', kind: 'date' },
  createdAt: { field: 'createdAt', kind: 'date' },
  name: { field: 'nameSort', kind: 'string' },
};

export const DEFAULT_RECORD_SORT = '-createdAt';

/** The sort keys `parseSort` accepts for these fields, for DTO validation and Swagger. */
export function sortKeys(fields: Readonly<Record<string, SortField>>): string[] {
  return Object.keys(fields).flatMap((f) => [f, `-${f}`]);
}

/** The MongoDB sort: the field, then `_id` in the same direction as the tie-breaker keysets need. */
export function sortStage(spec: SortSpec): Record<string, SortDirection> {
  return { [spec.field]: spec.direction, _id: spec.direction };
}
