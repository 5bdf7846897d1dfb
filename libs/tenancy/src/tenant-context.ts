import { InjectableProxy } from 'nestjs-cls';
import type { Principal } from '@app/common';
import type { TenantRef } from './tenant-record';

export class MissingTenantContextError extends Error {
  constructor() {
    super('No tenant in context: tenant data is reachable only inside a request or runInTenant().');
  }
}

/**
 * The current request's tenant and principal. A request-scoped proxy provider of nestjs-cls:
 * one instance per request (or per runInTenant call), held in AsyncLocalStorage, so services
 * stay singletons and the same context works in HTTP, websocket and event-listener code.
 * It is entered only after the token is verified; nothing else sets it.
 */
@InjectableProxy()
export class TenantContext {
  private tenant?: TenantRef;
  private who?: Principal;

  enter(tenant: TenantRef | undefined, principal: Principal): void {
    this.tenant = tenant;
    this.who = principal;
  }

  get hasTenant(): boolean {
    return this.tenant !== undefined;
  }

  get tenantId(): string {
    return this.require().id;
  }

  get dbName(): string {
    return this.require().dbName;
  }

  get principal(): Principal {
    if (!this.who) throw new MissingTenantContextError();
    return this.who;
  }

  /** The acting user's id, for createdBy/updatedBy and audit. */
  get actor(): string {
    return this.principal.userId;
  }

  private require(): TenantRef {
    if (!this.tenant) throw new MissingTenantContextError();
    return this.tenant;
  }
}
