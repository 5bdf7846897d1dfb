import { Injectable } from '@nestjs/common';
import { TenantRunner } from '@app/tenancy';
import { CompanyService } from '../company';
import { companyRoom } from './realtime-rooms';
import type { SocketIdentity } from './socket-identity';

/**
 * Decides which company room a socket may join. The only way into a room, used by `subscribe`
 * and by the isolation probe alike.
 */
@Injectable()
export class RealtimeAccess {
  constructor(
    private readonly runner: TenantRunner,
    private readonly companies: CompanyService,
  ) {}

  /**
   * The room of `companyId` for this socket. Throws company.not_found unless the company exists in
   * the socket's own tenant and its principal's `companies` claim allows it.
   */
  async roomFor(identity: SocketIdentity, companyId: string): Promise<string> {
    await this.runner.runInTenant(identity.tenantId, () => this.companies.assertVisible(companyId), identity.principal);
    return companyRoom(identity.tenantId, companyId);
  }
}
