import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { DomainError, ErrorKind } from '../errors/domain-error';
import type { SortSpec } from './sort';

/** What a cursor remembers: the sort it belongs to, the last row's sort value and id, the query. */
interface CursorPayload {
  k: string;
  v: string;
  i: string;
  s: string;
}

/** The position after the last row of a page, decoded from a client's cursor. */
export interface KeysetPosition {
  value: Date | string;
  id: Types.ObjectId;
}

const ID = /^[0-9a-f]{24}$/;

/**
 * A short fingerprint of the filters a cursor was made for. A cursor replayed with other
 * filters or another sort would silently skip or repeat rows, so decoding refuses it instead.
 */
export function queryScope(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .filter((k) => filters[k] !== undefined && filters[k] !== null)
      .sort()
      .map((k) => [k, filters[k]]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

/** An opaque cursor pointing just after `row` (which must carry the sort field and `_id`). */
export function encodeCursor(spec: SortSpec, rowObject: object, scope: string): string {
  const row = rowObject as Record<string, unknown>;
  const raw = row[spec.field];
  const id = row._id;
  const value = raw instanceof Date ? raw.toISOString() : String(raw);
  const payload: CursorPayload = { k: spec.key, v: value, i: String(id), s: scope };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` for the same sort and scope; anything else is a 400. */
export function decodeCursor(cursor: string, spec: SortSpec, scope: string): KeysetPosition {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('cursor is not one this API issued.');
  }
  if (!isPayload(payload)) throw invalidCursor('cursor is not one this API issued.');
  if (payload.k !== spec.key || payload.s !== scope) {
    throw invalidCursor('cursor belongs to another sort or other filters; start again without a cursor.');
  }
  let value: Date | string = payload.v;
  if (spec.kind === 'date') {
    value = new Date(payload.v);
    if (Number.isNaN(value.getTime())) throw invalidCursor('cursor is not one this API issued.');
  }
  return { value, id: new Types.ObjectId(payload.i) };
}

/**
 * Rows strictly after `position` in the sort order: (field, _id) compared as a pair, so rows
 * inserted or deleted elsewhere never shift a page the way an offset would.
 */
export function keysetFilter(spec: SortSpec, position: KeysetPosition): Record<string, unknown> {
  const op = spec.direction === 1 ? '$gt' : '$lt';
  return {
    $or: [{ [spec.field]: { [op]: position.value } }, { [spec.field]: position.value, _id: { [op]: position.id } }],
  };
}

/** Cuts a page fetched with `limit + 1` rows and makes the cursor for the next one. */
export function pageOf<T extends object>(
  rows: T[],
  limit: number,
  spec: SortSpec,
  scope: string,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(spec, page[page.length - 1], scope) };
}

function isPayload(p: unknown): p is CursorPayload {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return (
    typeof o.k === 'string' &&
    typeof o.v === 'string' &&
    o.v.length <= 1000 &&
    typeof o.i === 'string' &&
    ID.test(o.i) &&
    typeof o.s === 'string'
  );
}

function invalidCursor(detail: string): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_cursor', detail, {}, [
    { path: 'cursor', message: detail },
  ]);
}
