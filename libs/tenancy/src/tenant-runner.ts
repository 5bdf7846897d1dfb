import { Injectable } from '@nestjs/common';
import { ClsService, CLS_ID } from 'nestjs-cls';
import { DomainError, ErrorKind, Principal, Role } from '@app/common';
import { TenantContext } from './tenant-context';
import { TenantDirectory } from './tenant-directory';
import { TenantStatus } from './tenant-record';

/** The principal used when the system itself acts in a tenant (CLI, listeners, checks). */
export function systemPrincipal(tenantId: string, userId = 'system'): Principal {
  return { userId, tenantId, roles: [Role.ADMIN] };
}

/**
 * Runs code for an explicit tenant outside an HTTP request: the CLI, websocket handlers,
 * event listeners, the isolation check. Each call gets a fresh context of its own, even when
 * nested inside a request, so entering tenant B can never alter the caller's tenant A.
 */
@Injectable()
export class TenantRunner {
  constructor(
    private readonly cls: ClsService,
    private readonly directory: TenantDirectory,
    private readonly context: TenantContext,
  ) {}

  /**
   * `fn` in the tenant's context. Only for an active tenant, unless `includeSuspended` (migrations:
   * a suspended tenant's data must be brought up to date too).
   */
  async runInTenant<T>(
    tenantId: string,
    fn: () => Promise<T>,
    principal?: Principal,
    opts: { includeSuspended?: boolean } = {},
  ): Promise<T> {
    const tenant = await this.directory.resolve(tenantId);
    if (!tenant || (tenant.status !== TenantStatus.ACTIVE && !opts.includeSuspended)) {
      throw new DomainError(ErrorKind.NOT_FOUND, 'tenant.not_found', `Tenant ${tenantId} is not active.`);
    }
    const requestId = this.cls.isActive() ? this.cls.getId() : undefined;
    return this.cls.run({ ifNested: 'override' }, async () => {
      if (requestId) this.cls.set(CLS_ID, requestId);
      await this.cls.proxy.resolve();
      this.context.enter({ id: tenant._id, dbName: tenant.dbName }, principal ?? systemPrincipal(tenant._id));
      return fn();
    });
  }
}
