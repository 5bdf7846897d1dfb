import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorKind, type Settings } from '@app/common';
import { TenantDirectory, TenantStatus, tenancySettings } from '@app/tenancy';
import type { Authenticated } from '../authenticated';
import { apiKeyTenant, hashApiKey } from './api-key.format';
import { ApiKeyRepository } from './api-key.repository';
import type { ApiKeyRecord } from './api-key.schema';

interface CacheEntry {
  record: ApiKeyRecord | null;
  readAt: number;
  /** The tenant incarnation it was read in: a tenant deleted and created again has none of the old keys. */
  incarnation: string;
}

/** Keys remembered per process; beyond it the oldest are forgotten (a flood of bad keys cannot grow memory). */
const MAX_CACHED = 10_000;

/** The principal id an API key acts as, in audit entries and createdBy. */
export function apiKeyPrincipalId(id: string): string {
  return `apikey:${id}`;
}

function invalidKey(detail = 'The API key is not valid.'): DomainError {
  return new DomainError(ErrorKind.UNAUTHORIZED, 'auth.invalid_api_key', detail);
}

/**
 * API key → principal → tenant. The tenant comes only from the key (its slug names the database
 * searched for the key's hash), never from a header. Lookups are cached per process for
 * TENANT_CACHE_TTL_MS, like tenants: revoking a key drops it here at once (`forget`), and other
 * instances stop accepting it within that TTL.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;

  constructor(
    private readonly directory: TenantDirectory,
    private readonly keys: ApiKeyRepository,
    @Inject(tenancySettings.KEY) settings: Settings<typeof tenancySettings>,
  ) {
    this.ttlMs = settings.TENANT_CACHE_TTL_MS;
  }

  async verify(key: string, now = Date.now()): Promise<Authenticated> {
    const slug = apiKeyTenant(key);
    if (!slug) throw invalidKey();
    const tenant = await this.directory.resolve(slug);
    if (!tenant) throw invalidKey();
    if (tenant.status !== TenantStatus.ACTIVE) {
      throw new DomainError(ErrorKind.FORBIDDEN, 'tenant.suspended', 'This tenant is suspended.');
    }
    const incarnation = tenant.uid ?? String(tenant.createdAt.getTime());
    const record = await this.lookup(tenant.dbName, incarnation, hashApiKey(key), now);
    if (!record) throw invalidKey();
    if (record.expiresAt && record.expiresAt.getTime() <= now) throw invalidKey('The API key has expired.');
    return {
      principal: {
        userId: apiKeyPrincipalId(record._id.toHexString()),
        tenantId: tenant._id,
        roles: record.roles,
        companies: record.companies ?? undefined,
      },
      tenant: { id: tenant._id, dbName: tenant.dbName },
      expiresAt: record.expiresAt?.getTime(),
    };
  }

  /** A key revoked (or changed) through this instance stops working here at once. */
  forget(dbName: string, hash: string): void {
    this.cache.delete(cacheKey(dbName, hash));
  }

  private async lookup(dbName: string, incarnation: string, hash: string, now: number): Promise<ApiKeyRecord | null> {
    const k = cacheKey(dbName, hash);
    const hit = this.cache.get(k);
    if (hit && hit.incarnation === incarnation && now - hit.readAt < this.ttlMs) return hit.record;
    const readAt = Date.now();
    const record = await this.keys.findByHash(dbName, hash);
    if (this.ttlMs > 0) {
      this.cache.delete(k);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(k, { record, readAt, incarnation });
    }
    return record;
  }
}

function cacheKey(dbName: string, hash: string): string {
  return `${dbName}\u0000${hash}`;
}
