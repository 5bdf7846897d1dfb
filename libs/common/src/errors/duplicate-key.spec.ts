import { isDuplicateKeyError } from './duplicate-key';

describe(isDuplicateKeyError.name, () => {
  it('recognises MongoDB duplicate keys and FerretDB unique violations on update (SQLite and PostgreSQL)', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key error' })).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(true);
    // As FerretDB v1.24 answers findAndModify/update that break a unique index (captured from both handlers).
    expect(
      isDuplicateKeyError({
        code: 1,
        codeName: 'InternalError',
        message:
          "[msg_findandmodify.go:196 handler.(*Handler).findAndModifyDocument] constraint failed: UNIQUE constraint failed: index 'co_6229a407_k_1' (2067)",
      }),
    ).toBe(true);
    expect(
      isDuplicateKeyError({
        code: 1,
        message:
          'ERROR: duplicate key value violates unique constraint "co_6229a407_k___b473697a_idx" (SQLSTATE 23505)',
      }),
    ).toBe(true);
  });

  it('does not take other errors for duplicates', () => {
    expect(isDuplicateKeyError({ code: 1, message: 'InternalError: something else' })).toBe(false);
    expect(isDuplicateKeyError({ code: 112, message: 'WriteConflict' })).toBe(false);
    expect(isDuplicateKeyError(new Error('UNIQUE constraint failed'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });
});
