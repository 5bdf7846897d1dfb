import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, IsolationCheck, IsolationProbe, IsolationProbeProvider, TenantContext } from '@app/tenancy';
import { CompanyService } from '../company';
import { RealtimeAccess } from './realtime-access.service';
import { companyRoom } from './realtime-rooms';
import { RealtimeGateway } from './realtime.gateway';
import { identityOf, SocketIdentity } from './socket-identity';

interface RealtimeProbeFixture {
  tenantId: string;
  companyId: string;
}

/**
 * Tenant B must not get into a room of tenant A's company. The probe runs the same room-join
 * authorisation `subscribe` uses (RealtimeAccess.roomFor) with tenant B's identity, and checks
 * that A's room holds no socket of another tenant. Real sockets are exercised in
 * test/realtime.e2e-spec.ts (B subscribes to A's company id and receives nothing).
 */
@IsolationProbeProvider()
@Injectable()
export class RealtimeIsolationProbe implements IsolationProbe<RealtimeProbeFixture> {
  readonly kind = 'realtime';

  constructor(
    private readonly companies: CompanyService,
    private readonly access: RealtimeAccess,
    private readonly gateway: RealtimeGateway,
    private readonly context: TenantContext,
  ) {}

  async plant(): Promise<RealtimeProbeFixture> {
    const company = await this.companies.create({ name: `isolation-probe-rt-${randomBytes(6).toString('hex')}` });
    return { tenantId: this.context.tenantId, companyId: company.id };
  }

  async attack(f: RealtimeProbeFixture): Promise<IsolationCheck[]> {
    const refused = await expectHidden('subscribe to a company from tenant B', () =>
      this.access.roomFor(this.identity(), f.companyId),
    );
    const room = companyRoom(f.tenantId, f.companyId);
    const sockets = this.gateway.server ? await this.gateway.server.local.in(room).fetchSockets() : [];
    const strangers = sockets.filter((s) => identityOf(s).tenantId !== f.tenantId).length;
    const separate = companyRoom(this.context.tenantId, f.companyId) !== room;
    return [
      refused,
      {
        name: 'room of tenant A company holds no tenant B socket',
        passed: separate && strangers === 0,
        detail: separate ? `${strangers} foreign socket(s) in the room` : 'tenant B would share the room name',
      },
    ];
  }

  async verify(f: RealtimeProbeFixture): Promise<IsolationCheck[]> {
    // Proves the refusal above came from the tenant boundary, not from a broken check.
    const room = await this.access.roomFor(this.identity(), f.companyId).catch(() => null);
    const passed = room === companyRoom(f.tenantId, f.companyId);
    return [{ name: 'tenant A may still subscribe', passed, detail: passed ? 'joined its own room' : 'refused' }];
  }

  cleanup(f: RealtimeProbeFixture): Promise<void> {
    return this.companies.remove(f.companyId);
  }

  private identity(): SocketIdentity {
    return { tenantId: this.context.tenantId, principal: this.context.principal };
  }
}
