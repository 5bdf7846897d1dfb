import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { TokenService } from '@app/auth';
import { Role } from '@app/common';
import {
  type IsolationCheck,
  type IsolationProbe,
  IsolationProbeProvider,
  systemPrincipal,
  TenantContext,
  TenantRunner,
} from '@app/tenancy';
import { CompanyService } from '../company';
import { CustomerEventName, CustomerService } from '../customer';
import type { ErrorAck, SubscribeAck } from './dto/realtime-ack';
import { RealtimeAccess } from './realtime-access.service';
import { companyRoom } from './realtime-rooms';
import { ownBaseUrl, ProbeSocket } from './realtime-probe-socket';

interface RealtimeProbeFixture {
  tenantId: string;
  companyId: string;
  /** The customer written in A while the sockets listened (set by the attack). */
  customerId?: string;
}

const ACTOR = 'isolation-check';
/** How long tenant B's socket keeps listening after A's own socket got the event. */
const STRAY_WAIT_MS = 250;

/**
 * Tenant B must get nothing of tenant A over Socket.IO. Real sockets on this server's own port, as
 * clients connect: one of tenant B tries to subscribe to A's company and listens; one of tenant A
 * subscribes to it; then a customer is written in that company. A's socket must receive the event
 * (else the probe proved nothing) and B's socket nothing at all.
 */
@IsolationProbeProvider()
@Injectable()
export class RealtimeIsolationProbe implements IsolationProbe<RealtimeProbeFixture> {
  readonly kind = 'realtime';

  constructor(
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly access: RealtimeAccess,
    private readonly tokens: TokenService,
    private readonly runner: TenantRunner,
    private readonly context: TenantContext,
    private readonly http: HttpAdapterHost,
  ) {}

  async plant(): Promise<RealtimeProbeFixture> {
    const company = await this.companies.create({ name: `isolation-probe-rt-${randomBytes(6).toString('hex')}` });
    return { tenantId: this.context.tenantId, companyId: company.id };
  }

  /** Runs as tenant B; writes the probe customer as tenant A while both sockets listen. */
  async attack(f: RealtimeProbeFixture): Promise<IsolationCheck[]> {
    const baseUrl = ownBaseUrl((this.http.httpAdapter.getHttpServer() as Server).address());
    if (!baseUrl) {
      return [{ name: 'sockets connect', passed: false, detail: 'the HTTP server is not listening; nothing to probe' }];
    }
    const intruder = await ProbeSocket.connect(baseUrl, this.socketToken(this.context.tenantId));
    let owner: ProbeSocket | undefined;
    try {
      owner = await ProbeSocket.connect(baseUrl, this.socketToken(f.tenantId));
      const refusal = await intruder.request<SubscribeAck>('subscribe', { companyId: f.companyId });
      const own = await owner.request<SubscribeAck>('subscribe', { companyId: f.companyId });

      const customer = await this.runner.runInTenant(
        f.tenantId,
        () =>
          this.customers.create({ companyId: f.companyId, name: `Realtime probe ${randomBytes(4).toString('hex')}` }),
        systemPrincipal(f.tenantId, ACTOR),
      );
      f.customerId = customer.id;
      const isProbeEvent = (e: { event: string; data: unknown }) =>
        e.event === CustomerEventName.CREATED && (e.data as { customerId?: string })?.customerId === customer.id;
      const delivered = own.ok && (await owner.waitFor(isProbeEvent));
      if (delivered) await new Promise((r) => setTimeout(r, STRAY_WAIT_MS));
      const strays = intruder.received.map((e) => e.event);

      const refused = !refusal.ok && (refusal as ErrorAck).error.status === 404;
      return [
        {
          name: 'subscribe to a company from tenant B',
          passed: refused,
          detail: refused
            ? `refused (${(refusal as ErrorAck).error.code})`
            : `answered ${JSON.stringify(refusal).slice(0, 200)}`,
        },
        {
          name: 'tenant A socket receives the probe event (control)',
          passed: delivered,
          detail: delivered
            ? 'received customer.created'
            : own.ok
              ? 'nothing within 5 s'
              : 'tenant A could not subscribe',
        },
        {
          name: 'tenant B socket receives nothing of tenant A',
          passed: delivered && strays.length === 0,
          detail: !delivered
            ? 'not shown: the control event never arrived'
            : strays.length
              ? `received ${strays.join(', ')}`
              : 'nothing received',
        },
      ];
    } finally {
      owner?.close();
      intruder.close();
    }
  }

  async verify(f: RealtimeProbeFixture): Promise<IsolationCheck[]> {
    // The refusal above came from the tenant boundary, not from a broken subscribe: A still gets in.
    const identity = { tenantId: this.context.tenantId, principal: this.context.principal };
    const room = await this.access.roomFor(identity, f.companyId).catch(() => null);
    const passed = room === companyRoom(f.tenantId, f.companyId);
    return [{ name: 'tenant A may still subscribe', passed, detail: passed ? 'joined its own room' : 'refused' }];
  }

  /** Through the same erase path as a purge, leaving no trace (audit, event log, counter). */
  async cleanup(f: RealtimeProbeFixture): Promise<void> {
    if (f.customerId) await this.customers.erase(f.customerId, { leaveNoTrace: true });
    await this.companies.remove(f.companyId, { leaveNoTrace: true });
  }

  private socketToken(tenantId: string): string {
    return this.tokens.sign({ sub: ACTOR, tid: tenantId, roles: [Role.VIEWER] }, 60);
  }
}
