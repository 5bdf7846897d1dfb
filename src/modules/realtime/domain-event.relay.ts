import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, TenantRunner } from '@app/tenancy';
import { RealtimeEventLog } from './realtime-event-log.service';
import { RealtimePayload, toRealtimePayload } from './realtime-payload';
import { companyRoom } from './realtime-rooms';
import { RealtimeGateway } from './realtime.gateway';

type Listener = (name: string | string[], payload: unknown) => void;

/**
 * Turns every domain event filed under a company (emitted after the write succeeded, by any module)
 * into a socket event in that company's room. A company's events are handled one after another on
 * this instance, so seq order, log order and wire order agree.
 */
@Injectable()
export class DomainEventRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DomainEventRelay.name);
  /** The last queued delivery per room; entries go away once their queue drains. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly listener: Listener = (_name, payload) => {
    if (payload instanceof DomainEvent) void this.relay(payload);
  };

  constructor(
    private readonly log: RealtimeEventLog,
    private readonly runner: TenantRunner,
    private readonly gateway: RealtimeGateway,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.events.onAny(this.listener);
  }

  onModuleDestroy(): void {
    this.events.offAny(this.listener);
  }

  relay(event: DomainEvent): Promise<void> {
    if (event.companyId === null) return Promise.resolve();
    if (typeof event.tenantId !== 'string' || typeof event.companyId !== 'string') {
      this.logger.error({ event: event.name }, 'Malformed domain event not relayed');
      return Promise.resolve();
    }
    const filed = event as DomainEvent & { companyId: string };
    const room = companyRoom(filed.tenantId, filed.companyId);
    const next = (this.tails.get(room) ?? Promise.resolve()).then(() => this.deliver(room, filed));
    this.tails.set(room, next);
    void next.then(() => {
      if (this.tails.get(room) === next) this.tails.delete(room);
    });
    return next;
  }

  /** Resolves once every event of the company's room queued so far is logged and sent. */
  idle(tenantId: string, companyId: string): Promise<void> {
    return this.tails.get(companyRoom(tenantId, companyId)) ?? Promise.resolve();
  }

  /** Never rejects: a failure to log still delivers the event live, with `seq: null`. */
  private async deliver(room: string, event: DomainEvent & { companyId: string }): Promise<void> {
    let payload: RealtimePayload;
    try {
      payload = await this.runner.runInTenant(event.tenantId, () => this.log.append(event));
    } catch (e) {
      this.logger.error(
        { err: e, tenant: event.tenantId, company: event.companyId, event: event.name },
        'Could not log a domain event; delivering it without seq',
      );
      payload = toRealtimePayload(event, null);
    }
    try {
      this.gateway.publish(room, event.name, payload);
    } catch (e) {
      this.logger.error({ err: e, room, event: event.name }, 'Could not publish a domain event');
    }
  }
}
