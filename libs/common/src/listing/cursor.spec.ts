import { Types } from 'mongoose';
import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, keysetFilter, pageOf, queryScope } from './cursor';
import { parseSort, sortStage } from './sort';

const FIELDS = {
  updatedAt: { field: 'updatedAt', kind: 'date' as const },
  name: { field: 'nameSort', kind: 'string' as const },
};

describe('keyset cursor', () => {
  const id = new Types.ObjectId();
  const at = new Date('2025-01-02T03:04:05.678Z');

  it('round-trips the sort value and id for the same sort and scope', () => {
    const spec = parseSort('-updatedAt', FIELDS, 'name');
    const scope = queryScope({ status: 'active' });
    const cursor = encodeCursor(spec, { _id: id, updatedAt: at }, scope);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, spec, scope)).toEqual({ value: at, id });
  });

  it('refuses a cursor replayed with another sort, other filters, or tampered bytes', () => {
    const spec = parseSort('name', FIELDS, 'name');
    const scope = queryScope({ q: 'acme' });
    const cursor = encodeCursor(spec, { _id: id, nameSort: 'acme' }, scope);
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        return (e as DomainError).code;
      }
    };
    expect(codeOf(() => decodeCursor(cursor, parseSort('-name', FIELDS, 'name'), scope))).toBe(
      'request.invalid_cursor',
    );
    expect(codeOf(() => decodeCursor(cursor, spec, queryScope({ q: 'other' })))).toBe('request.invalid_cursor');
    expect(codeOf(() => decodeCursor('not-a-cursor', spec, scope))).toBe('request.invalid_cursor');
    const forged = Buffer.from(JSON.stringify({ k: 'name', v: 'a', i: '{"$gt":""}', s: scope })).toString('base64url');
    expect(codeOf(() => decodeCursor(forged, spec, scope))).toBe('request.invalid_cursor');
  });

  it('the scope ignores absent filters and key order', () => {
    expect(queryScope({ a: 1, b: undefined, c: 'x' })).toBe(queryScope({ c: 'x', a: 1 }));
    expect(queryScope({ a: 1 })).not.toBe(queryScope({ a: 2 }));
  });

  it('keyset filter and sort compare (field, _id) in the sort direction', () => {
    const spec = parseSort('-updatedAt', FIELDS, 'name');
    expect(sortStage(spec)).toEqual({ updatedAt: -1, _id: -1 });
    expect(keysetFilter(spec, { value: at, id })).toEqual({
      $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: id } }],
    });
    const asc = parseSort('name', FIELDS, 'name');
    expect(keysetFilter(asc, { value: 'b', id })).toEqual({
      $or: [{ nameSort: { $gt: 'b' } }, { nameSort: 'b', _id: { $gt: id } }],
    });
  });

  it('pages of limit + 1 rows yield a cursor; a short page ends the list', () => {
    const spec = parseSort('name', FIELDS, 'name');
    const rows = ['a', 'b', 'c'].map((n) => ({ _id: new Types.ObjectId(), nameSort: n }));
    const full = pageOf(rows, 2, spec, 's');
    expect(full.rows).toHaveLength(2);
    expect(decodeCursor(full.nextCursor as string, spec, 's').value).toBe('b');
    expect(pageOf(rows, 3, spec, 's').nextCursor).toBeNull();
  });

  it('rejects unknown sort keys', () => {
    expect(() => parseSort('deletedAt', FIELDS, 'name')).toThrow(DomainError);
    expect(() => parseSort('__proto__', FIELDS, 'name')).toThrow(DomainError);
    expect(parseSort(undefined, FIELDS, '-updatedAt')).toMatchObject({ field: 'updatedAt', direction: -1 });
  });
});
