import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { apiKeyPrincipalId, ApiKeyRecord, ApiKeyRepository, ApiKeyVerifier, newApiKey } from '@app/auth';
import { canSeeCompany, decodeCursor, pageOf, type Principal, queryScope, type SortSpec } from '@app/common';
import { PublishesEvents, PurgeHooks, type RecordWriter, TenantContext, VersionedWriter } from '@app/tenancy';
import { CompanyService } from '../../company';
import { companyScope } from '../company-scope';
import { ApiKeyDomainEvent, ApiKeyEventName } from '../events/integration.events';
import { apiKeyNotFound, IntegrationError, IntegrationErrorCode } from '../integration.errors';
import type {
  ApiKeyPageResponse,
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
  CreateApiKeyDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto';

export const API_KEY_ENTITY = 'api_key';
/** Keys per tenant at most. */
export const MAX_API_KEYS = 200;
const DEFAULT_PAGE = 25;
const BY_ID: SortSpec = { key: 'createdAt', field: 'createdAt', kind: 'date', direction: 1 };

export function toApiKeyResponse(k: ApiKeyRecord): ApiKeyResponse {
  const id = k._id.toHexString();
  return {
    id,
    name: k.name,
    prefix: k.prefix,
    roles: [...k.roles],
    companies: k.companies ? [...k.companies] : null,
    expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
    principal: apiKeyPrincipalId(id),
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    version: k.version,
  };
}

/** A principal limited to companies sees only keys limited to some of those companies. */
export function canSeeApiKey(principal: Principal, k: Pick<ApiKeyRecord, 'companies'>): boolean {
  if (principal.companies === undefined) return true;
  return k.companies !== null && k.companies.length > 0 && k.companies.every((c) => canSeeCompany(principal, c));
}

/**
 * API keys of the current tenant (admins only). The key is returned once and stored as its SHA-256;
 * revoking deletes the record and drops it from this instance's verification cache at once (other
 * instances within TENANT_CACHE_TTL_MS). Creating, revoking: audited and announced like any write.
 */
@PublishesEvents(Object.values(ApiKeyEventName))
@Injectable()
export class ApiKeyService {
  private readonly records: RecordWriter<ApiKeyRecord, ApiKeyResponse>;

  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly verifier: ApiKeyVerifier,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly purgeHooks: PurgeHooks,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: API_KEY_ENTITY,
      store: repo,
      toResponse: toApiKeyResponse,
      companyOf: () => null,
      visible: (k) => canSeeApiKey(this.context.principal, k),
      notFound: apiKeyNotFound,
      stale: (expected, actual) =>
        new IntegrationError(
          IntegrationErrorCode.API_KEY_WRITE_CONFLICT,
          `API key is at version ${actual}, the request expected ${expected}.`,
        ),
      busy: () => new IntegrationError(IntegrationErrorCode.API_KEY_WRITE_CONFLICT, 'The API key is changing; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'createdBy'],
      event: (w) => new ApiKeyDomainEvent(w.name as ApiKeyEventName, w.tenantId, w.actor, w.at, w.after, w.requestId),
    });
  }

  async create(dto: CreateApiKeyDto): Promise<ApiKeyWithSecretResponse> {
    const expiresAt = dto.expiresAt === undefined ? null : new Date(dto.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new IntegrationError(IntegrationErrorCode.API_KEY_EXPIRED, 'expiresAt must be in the future.');
    }
    if ((await this.repo.count()) >= MAX_API_KEYS) {
      throw new IntegrationError(
        IntegrationErrorCode.API_KEY_LIMIT_REACHED,
        `A tenant may have at most ${MAX_API_KEYS} API keys; revoke unused ones.`,
      );
    }
    const companies = await companyScope(this.context.principal, this.companies, dto.companies);
    const { key, hash, prefix } = newApiKey(this.context.tenantId);
    const created = await this.records.create(
      {
        _id: new Types.ObjectId(),
        name: dto.name,
        hash,
        prefix,
        roles: [...new Set(dto.roles)],
        companies: companies ?? null,
        expiresAt,
      },
      ApiKeyEventName.CREATED,
    );
    return { ...created, key };
  }

  async list(query: ListApiKeysQueryDto): Promise<ApiKeyPageResponse> {
    const scope = queryScope({});
    const after = query.cursor ? decodeCursor(query.cursor, BY_ID, scope) : undefined;
    const rows = (await this.repo.list(after?.id.toHexString(), MAX_API_KEYS)).filter((k) =>
      canSeeApiKey(this.context.principal, k),
    );
    const page = pageOf(rows, query.limit ?? DEFAULT_PAGE, BY_ID, scope);
    return { data: page.rows.map(toApiKeyResponse), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.records.load(id));
  }

  /** Revokes a key: it stops authenticating here at once, everywhere within the tenant cache TTL. */
  async revoke(id: string, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    const current = await this.records.load(id);
    await this.records.remove(id, ApiKeyEventName.REVOKED);
    this.verifier.forget(this.context.dbName, current.hash);
    if (opts.leaveNoTrace) {
      await this.purgeHooks.run({ entityType: API_KEY_ENTITY, entityId: id, companyId: null, leaveNoTrace: true });
    }
  }

  /** Keys limited to a company (company deletion check). */
  async limitedTo(companyId: string): Promise<number> {
    return (await this.repo.list(undefined, MAX_API_KEYS)).filter((k) => k.companies?.includes(companyId)).length;
  }
}
