import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, TenantRunner } from '@app/tenancy';
import { RealtimeEventLog } from './realtime-event-log.service';
import { RealtimePayload, toRealtimePayload } from './realtime-payload';
import { companyRoom } from './realtime-rooms';
import { RealtimeGateway } from './realtime.gateway';

type Listener = (name: string | string[], payload: unknown) => void;

/** Events of one room logged and sent in one round at most (one log insert). */
const MAX_EVENTS_PER_ROUND = 50;

/**
 * Turns every domain event filed under a company (emitted after the write succeeded, by any module)
 * into a socket event in that company's room. A company's events are handled one after another on
 * this instance, so seq order, log order and wire order agree; those that arrive while a round is on
 * its way go together in the next.
 */
@Injectable()
export class DomainEventRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DomainEventRelay.name);
  /** Per room: the events waiting to be delivered; entries go away once their queue drains. */
  private readonly queues = new Map<string, RoomQueue>();
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
    let queue = this.queues.get(room);
    const delivered = new Promise<void>((resolve) => {
      if (queue) queue.waiting.push({ event: filed, resolve });
      else {
        queue = { waiting: [{ event: filed, resolve }], drained: Promise.resolve() };
        this.queues.set(room, queue);
        queue.drained = this.drain(room, queue);
      }
    });
    return delivered;
  }

  /** Resolves once every event of the company's room queued so far is logged and sent. */
  idle(tenantId: string, companyId: string): Promise<void> {
    return this.queues.get(companyRoom(tenantId, companyId))?.drained ?? Promise.resolve();
  }

  /**
   * Delivers the room's queue until it is empty: the events queued while one round was on its way go
   * together in the next (one seq allocation and one log insert for all of them, see appendMany).
   */
  private async drain(room: string, queue: RoomQueue): Promise<void> {
    try {
      while (queue.waiting.length) {
        const round = queue.waiting.splice(0, MAX_EVENTS_PER_ROUND);
        await this.deliver(
          room,
          round.map((w) => w.event),
        );
        for (const w of round) w.resolve();
      }
    } finally {
      this.queues.delete(room);
    }
  }

  /** Never rejects: a failure to log still delivers the events live, with `seq: null`. */
  private async deliver(room: string, events: Array<DomainEvent & { companyId: string }>): Promise<void> {
    let payloads: RealtimePayload[];
    try {
      payloads = await this.runner.runInTenant(events[0].tenantId, () => this.log.appendMany(events));
    } catch (e) {
      this.logger.error(
        { err: e, tenant: events[0].tenantId, company: events[0].companyId, events: events.map((ev) => ev.name) },
        'Could not log domain events; delivering them without seq',
      );
      payloads = events.map((ev) => toRealtimePayload(ev, null));
    }
    events.forEach((event, i) => {
      try {
        this.gateway.publish(room, event.name, payloads[i]);
      } catch (e) {
        this.logger.error({ err: e, room, event: event.name }, 'Could not publish a domain event');
      }
    });
  }
}

interface RoomQueue {
  waiting: Array<{ event: DomainEvent & { companyId: string }; resolve: () => void }>;
  /** Settles when the queue has been emptied. */
  drained: Promise<void>;
}
