/**
 * Whether a database error is a unique-index violation, on every server we run on.
 *
 * MongoDB (and FerretDB for inserts) answer code 11000 (11001 on old servers). FerretDB v1 answers an
 * update or findAndModify that breaks a unique index with a generic `InternalError` (code 1) whose
 * message carries the backend's own words: SQLite's "UNIQUE constraint failed", PostgreSQL's
 * "duplicate key value violates unique constraint" (SQLSTATE 23505). Without this the same
 * duplicate would be a 409 on create and a 500 on rename.
 */
export function isDuplicateKeyError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (code === 11000 || code === 11001) return true;
  return code === 1 && typeof message === 'string' && FERRETDB_UNIQUE_VIOLATION.test(message);
}

const FERRETDB_UNIQUE_VIOLATION =
  /UNIQUE constraint failed|duplicate key value violates unique constraint|SQLSTATE 23505/;

/**
 * Whether a duplicate-key error may be about `field`'s unique index. MongoDB names the key in
 * `keyPattern`/`keyValue`, FerretDB's updates name the index in their message; FerretDB's inserts
 * name none ("E11000 duplicate key error collection: db.coll"): then this answers true, and a caller
 * with another unique index in play (`_id`) must check which one it was.
 */
export function isDuplicateKeyOn(e: unknown, field: string): boolean {
  if (!isDuplicateKeyError(e)) return false;
  const { keyPattern, keyValue, message } = e as { keyPattern?: unknown; keyValue?: unknown; message?: unknown };
  for (const keys of [keyPattern, keyValue]) {
    if (typeof keys === 'object' && keys !== null) return field in keys;
  }
  if (typeof message !== 'string') return true;
  const index = /index[: ]+'?([\w$.-]+)/.exec(message);
  return !index || index[1].includes(field);
}
