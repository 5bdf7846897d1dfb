import { Injectable } from '@nestjs/common';
import { DomainError, ErrorKind, Principal, Role, TENANT_ROLES } from '@app/common';
import { TenantDirectory, TenantRef, TenantStatus } from '@app/tenancy';
import { TokenService } from './token.service';

export interface Authenticated {
  principal: Principal;
  /** Set for tenant principals; undefined for platform operators. */
  tenant?: TenantRef;
}

/**
 * Token → principal → tenant, for every transport (HTTP guard, websocket handshake). A tenant
 * token is accepted only while its tenant exists and is active.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: TenantDirectory,
  ) {}

  async authenticate(token: string): Promise<Authenticated> {
    const principal = this.tokens.verify(token);
    if (principal.tenantId === undefined) {
      if (!principal.roles.includes(Role.PLATFORM)) {
        throw new DomainError(ErrorKind.UNAUTHORIZED, 'auth.no_tenant', 'The token names no tenant.');
      }
      return { principal };
    }
    const tenant = await this.directory.resolve(principal.tenantId);
    if (!tenant) {
      throw new DomainError(
        ErrorKind.UNAUTHORIZED,
        'auth.unknown_tenant',
        'The token names a tenant that does not exist.',
      );
    }
    if (tenant.status !== TenantStatus.ACTIVE) {
      throw new DomainError(ErrorKind.FORBIDDEN, 'tenant.suspended', 'This tenant is suspended.');
    }
    if (!principal.roles.some((r) => TENANT_ROLES.includes(r))) {
      throw new DomainError(ErrorKind.FORBIDDEN, 'auth.no_tenant_role', 'The token carries no tenant role.');
    }
    return { principal, tenant: { id: tenant._id, dbName: tenant.dbName } };
  }
}

export function bearerToken(header: unknown): string {
  if (typeof header !== 'string' || header.length === 0) {
    throw new DomainError(
      ErrorKind.UNAUTHORIZED,
      'auth.missing_token',
      'Send a bearer token in the Authorization header.',
    );
  }
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match)
    throw new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_token', 'The Authorization header is malformed.');
  return match[1];
}
