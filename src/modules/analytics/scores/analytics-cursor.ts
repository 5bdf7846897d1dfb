import { createHash } from 'node:crypto';
import { OBJECT_ID } from '@app/common';
import { AnalyticsError, AnalyticsErrorCode } from '../analytics.errors';

/** Cursors of analytics lists: the last customer id, bound to the query it came from. */
const scopeTag = (scope: string) => createHash('sha256').update(scope).digest('base64url').slice(0, 12);

export function encodeAfter(customerId: string, scope: string): string {
  return Buffer.from(`${scopeTag(scope)}.${customerId}`).toString('base64url');
}

export function decodeAfter(cursor: string, scope: string): string {
  const [tag, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (tag !== scopeTag(scope) || !id || !OBJECT_ID.test(id)) {
    throw new AnalyticsError(AnalyticsErrorCode.INVALID_CURSOR, 'The cursor is malformed or belongs to another query.');
  }
  return id;
}
