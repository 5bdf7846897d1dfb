import { BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, ErrorKind } from '../errors/domain-error';
import { classify } from './problem-details.filter';

describe('classify', () => {
  it('maps domain errors by kind and keeps their code and field errors', () => {
    const e = new DomainError(ErrorKind.CONFLICT, 'x.exists', 'exists', {}, [{ path: 'a', message: 'b' }]);
    expect(classify(e)).toMatchObject({ status: 409, code: 'x.exists', errors: [{ path: 'a', message: 'b' }] });
  });

  it('maps Nest HTTP exceptions', () => {
    expect(classify(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'route.not_found' });
    expect(classify(new BadRequestException('bad'))).toMatchObject({ status: 400, detail: 'bad' });
  });

  it('maps driver errors without leaking their text', () => {
    expect(classify({ name: 'CastError', message: 'Cast to ObjectId failed for value "x"' })).toMatchObject({
      status: 400,
      detail: expect.not.stringContaining('Cast to'),
    });
    expect(classify({ name: 'MongoServerError', code: 11000, message: 'E11000 dup key' })).toMatchObject({
      status: 409,
    });
    expect(classify({ name: 'MongoServerSelectionError', message: 'connect ECONNREFUSED' })).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
    });
  });

  it('maps a socket error the driver lets through (server died mid-write) to 503', () => {
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    expect(classify(epipe)).toMatchObject({ status: 503, code: 'database.unavailable' });
  });

  it("maps FerretDB's SQLite write-lock timeout to a 503 to retry, without its text", () => {
    const busy = {
      name: 'MongoServerError',
      code: 1,
      message: '[collection.go:177 sqlite.(*collection).UpdateAll.func1] database is locked (5) (SQLITE_BUSY)',
    };
    const c = classify(busy);
    expect(c).toMatchObject({ status: 503, code: 'database.busy', headers: { 'Retry-After': '2' } });
    expect(c.detail).not.toContain('sqlite');
  });

  it('turns anything else into a 500 that says nothing about the cause', () => {
    const c = classify(new Error('secret internal detail'));
    expect(c.status).toBe(500);
    expect(c.detail).not.toContain('secret');
  });
});
