import { Role } from '@app/common';
import { principalFromClaims } from './token.service';

describe('principalFromClaims', () => {
  it('builds a principal from valid claims', () => {
    expect(principalFromClaims({ sub: 'u1', tid: 'acme', roles: ['admin'], companies: ['c1'] })).toEqual({
      userId: 'u1',
      tenantId: 'acme',
      roles: [Role.ADMIN],
      companies: ['c1'],
    });
  });

  it.each([
    ['no subject', { roles: ['admin'] }],
    ['empty roles', { sub: 'u', roles: [] }],
    ['unknown role', { sub: 'u', roles: ['root'] }],
    ['tenant not a string', { sub: 'u', roles: ['admin'], tid: { $ne: null } }],
    ['companies not strings', { sub: 'u', roles: ['admin'], companies: [1] }],
  ])('rejects %s', (_label, claims) => {
    expect(() => principalFromClaims(claims)).toThrow(expect.objectContaining({ code: 'auth.invalid_token' }));
  });
});
