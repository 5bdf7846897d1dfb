import { Injectable } from '@nestjs/common';
import { DomainError, ErrorKind, Role, TENANT_ROLES } from '@app/common';
import { TenantDirectory, TenantStatus } from '@app/tenancy';
import { ApiKeyVerifier, looksLikeApiKey } from './api-keys';
import type { Authenticated } from './authenticated';
import { TokenService } from './token.service';

export type { Authenticated } from './authenticated';

/**
 * Credential → principal → tenant, for every transport (HTTP guard, websocket handshake). The
 * credential is a JWT or an API key (`crm_…`); a tenant credential is accepted only while its tenant
 * exists and is active.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: TenantDirectory,
    private readonly apiKeys: ApiKeyVerifier,
  ) {}

  async authenticate(token: string): Promise<Authenticated> {
    if (looksLikeApiKey(token)) return this.apiKeys.verify(token);
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

/**
 * The credential of an HTTP request: `Authorization: Bearer <JWT or API key>`, or an API key in
 * `X-API-Key`. Both at once is refused rather than guessing which one counts.
 */
export function requestCredential(headers: { authorization?: unknown; 'x-api-key'?: unknown }): string {
  const apiKey = headers['x-api-key'];
  if (apiKey === undefined) return bearerToken(headers.authorization);
  if (headers.authorization !== undefined) {
    throw new DomainError(
      ErrorKind.UNAUTHORIZED,
      'auth.ambiguous_credentials',
      'Send either an Authorization header or an X-API-Key header, not both.',
    );
  }
  if (typeof apiKey !== 'string' || !looksLikeApiKey(apiKey.trim())) {
    throw new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_api_key', 'The API key is not valid.');
  }
  return apiKey.trim();
}

export function bearerToken(header: unknown): string {
  if (typeof header !== 'string' || header.length === 0) {
    throw new DomainError(
      ErrorKind.UNAUTHORIZED,
      'auth.missing_token',
      'Send a bearer token in the Authorization header (or an API key in X-API-Key).',
    );
  }
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match)
    throw new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_token', 'The Authorization header is malformed.');
  return match[1];
}
