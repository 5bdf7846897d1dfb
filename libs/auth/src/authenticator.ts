import { Injectable } from '@nestjs/common';
import { DomainError, ErrorKind, Role, TENANT_ROLES } from '@app/common';
import { TenantDirectory, TenantRecord, TenantStatus } from '@app/tenancy';
import { ApiKeyVerifier, looksLikeApiKey } from './api-keys';
import type { Authenticated } from './authenticated';
import { TokenService } from './token.service';

export type { Authenticated } from './authenticated';

/**
 * Credential → principal → tenant, for every transport (HTTP guard, websocket handshake). The
 * credential is a JWT or an API key (`crm_…`). A tenant credential is accepted only while its tenant
 * exists and is active, and only for the incarnation of the tenant it was issued for: a tenant
 * deleted and created again under the same slug is a new tenant, and the old one's unexpired tokens
 * must not open it (its API keys went with its database).
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
    const { principal, issuedAt, tenantUid } = this.tokens.verify(token);
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
    assertSameIncarnation(tenant, issuedAt, tenantUid);
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
 * The token must be from this incarnation of its tenant: issued (`iat`, whole seconds) no earlier
 * than the second the tenant was created, and, when it names one (`tuid`), for this tenant's uid.
 * TenantService.create lets a removed slug come back only in a later second, so no token of the old
 * tenant shares the new one's creation second.
 */
function assertSameIncarnation(
  tenant: TenantRecord,
  issuedAt: number | undefined,
  tenantUid: string | undefined,
): void {
  if (issuedAt === undefined) {
    throw new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_token', 'A tenant token needs an iat claim.');
  }
  if (issuedAt < Math.floor(tenant.createdAt.getTime() / 1000)) {
    throw new DomainError(
      ErrorKind.UNAUTHORIZED,
      'auth.stale_token',
      'The token was issued before its tenant was created (the tenant was deleted and created again); get a new one.',
    );
  }
  if (tenantUid !== undefined && tenantUid !== tenant.uid) {
    throw new DomainError(
      ErrorKind.UNAUTHORIZED,
      'auth.stale_token',
      'The token was issued for an earlier tenant of this name (its tuid does not match); get a new one.',
    );
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
