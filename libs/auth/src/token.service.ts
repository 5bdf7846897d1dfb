import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError, ErrorKind, Principal, Role } from '@app/common';

export interface TokenClaims {
  sub: string;
  tid?: string;
  /** Optional: the `uid` of the tenant incarnation the token was issued for (see TenantRecord.uid). */
  tuid?: string;
  roles: Role[];
  companies?: string[];
}

/** A token whose signature, issuer and expiry were checked, and what it says. */
export interface VerifiedToken {
  principal: Principal;
  /** `iat`: when it was issued, in epoch seconds. */
  issuedAt?: number;
  /** `tuid`: the tenant incarnation it was issued for, when the issuer says. */
  tenantUid?: string;
}

const ROLES = new Set<string>(Object.values(Role));

function unauthenticated(detail: string, code = 'auth.invalid_token'): DomainError {
  return new DomainError(ErrorKind.UNAUTHORIZED, code, detail);
}

/** Signs and verifies the API's bearer tokens (HS256). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(claims: TokenClaims, expiresIn: string | number = '12h'): string {
    return this.jwt.sign({ ...claims }, { expiresIn: expiresIn as number });
  }

  /** The verified token, or an UNAUTHORIZED error saying what is wrong with it. */
  verify(token: string): VerifiedToken {
    let payload: Record<string, unknown>;
    try {
      payload = this.jwt.verify<Record<string, unknown>>(token);
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TokenExpiredError') throw unauthenticated('The token has expired.', 'auth.token_expired');
      throw unauthenticated('The token is not valid.');
    }
    const { iat, tuid } = payload;
    if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
      throw unauthenticated('The token iat claim is malformed.');
    }
    if (tuid !== undefined && (typeof tuid !== 'string' || tuid.length === 0 || tuid.length > 100)) {
      throw unauthenticated('The token tuid claim is malformed.');
    }
    return { principal: principalFromClaims(payload), issuedAt: iat, tenantUid: tuid };
  }
}

export function principalFromClaims(payload: Record<string, unknown>): Principal {
  const { sub, tid, roles, companies } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200)
    throw unauthenticated('The token has no subject.');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && ROLES.has(r))) {
    throw unauthenticated('The token has no valid roles.');
  }
  if (tid !== undefined && typeof tid !== 'string') throw unauthenticated('The token tenant is malformed.');
  if (companies !== undefined && !(Array.isArray(companies) && companies.every((c) => typeof c === 'string'))) {
    throw unauthenticated('The token companies claim is malformed.');
  }
  return {
    userId: sub,
    tenantId: tid,
    roles: roles as Role[],
    companies: companies as string[] | undefined,
  };
}
