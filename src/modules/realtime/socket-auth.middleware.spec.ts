import { JwtService } from '@nestjs/jwt';
import type { Authenticated, Authenticator } from '@app/auth';
import { DomainError, ErrorKind, Role } from '@app/common';
import { authenticateHandshake, tokenExpiry } from './socket-auth.middleware';

describe(authenticateHandshake.name, () => {
  const tenantPrincipal: Authenticated = {
    principal: { userId: 'u1', tenantId: 'acme', roles: [Role.VIEWER] },
    tenant: { id: 'acme', dbName: 'crm_t_acme' },
  };
  const jwt = new JwtService({ secret: 'unit-secret' });
  const token = jwt.sign({ sub: 'u1' }, { expiresIn: 60 });

  function authenticatorReturning(result: Authenticated | Error): { sut: Authenticator; seen: string[] } {
    const seen: string[] = [];
    const sut = {
      authenticate: (t: string) => {
        seen.push(t);
        return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
      },
    } as unknown as Authenticator;
    return { sut, seen };
  }

  it('gives the socket its tenant, principal and token expiry', async () => {
    const { sut } = authenticatorReturning(tenantPrincipal);
    const identity = await authenticateHandshake(sut, { token });
    expect(identity).toEqual({ tenantId: 'acme', principal: tenantPrincipal.principal, expiresAt: tokenExpiry(token) });
    expect(identity.expiresAt).toBeGreaterThan(Date.now());
  });

  it('accepts the token with a Bearer prefix', async () => {
    const { sut, seen } = authenticatorReturning(tenantPrincipal);
    await authenticateHandshake(sut, { token: `Bearer ${token}` });
    expect(seen).toEqual([token]);
  });

  it.each([undefined, null, 'token-as-string', {}, { token: '' }, { token: 42 }])(
    'refuses a handshake without a token string (%p)',
    async (auth) => {
      const { sut, seen } = authenticatorReturning(tenantPrincipal);
      await expect(authenticateHandshake(sut, auth)).rejects.toMatchObject({ code: 'auth.missing_token' });
      expect(seen).toEqual([]);
    },
  );

  it('refuses platform principals, which have no tenant', async () => {
    const { sut } = authenticatorReturning({ principal: { userId: 'op', roles: [Role.PLATFORM] } });
    await expect(authenticateHandshake(sut, { token })).rejects.toMatchObject({
      kind: ErrorKind.FORBIDDEN,
      code: 'auth.tenant_required',
    });
  });

  it('passes the authenticator refusal through', async () => {
    const refusal = new DomainError(ErrorKind.UNAUTHORIZED, 'auth.token_expired', 'The token has expired.');
    const { sut } = authenticatorReturning(refusal);
    await expect(authenticateHandshake(sut, { token })).rejects.toBe(refusal);
  });
});

describe(tokenExpiry.name, () => {
  it('reads exp as epoch milliseconds', () => {
    const token = new JwtService({ secret: 's' }).sign({ sub: 'u' }, { expiresIn: 120 });
    const expiry = tokenExpiry(token) ?? 0;
    expect(Math.abs(expiry - (Date.now() + 120_000))).toBeLessThan(2_000);
  });

  it('is undefined for a token without exp or an unreadable one', () => {
    expect(tokenExpiry(new JwtService({ secret: 's' }).sign({ sub: 'u' }))).toBeUndefined();
    expect(tokenExpiry('garbage')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
  });
});
