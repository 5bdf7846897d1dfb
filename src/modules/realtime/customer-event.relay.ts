import { applyDecorators, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { TenantRunner } from '@app/tenancy';
import { CUSTOMER_EVENT_NAMES, CustomerDomainEvent } from '../customer';
import { CustomerEventLog } from './customer-event-log.service';
import { CustomerRealtimePayload, toRealtimePayload } from './realtime-payload';
import { companyRoom } from './realtime-rooms';
import { RealtimeGateway } from './realtime.gateway';

/** Listens to every customer event name, so a name added to the contract is relayed too. */
const OnEveryCustomerEvent = () => applyDecorators(...CUSTOMER_EVENT_NAMES.map((name) => OnEvent(name)));

/**
 * Turns customer domain events (emitted after the write succeeded) into socket events in the
 * company's room. A company's events are handled one after another on this instance, so seq order,
 * log order and wire order agree.
 */
@Injectable()
export class CustomerEventRelay {
  private readonly logger = new Logger(CustomerEventRelay.name);
  /** The last queued delivery per room; entries go away once their queue drains. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly log: CustomerEventLog,
    private readonly runner: TenantRunner,
    private readonly gateway: RealtimeGateway,
  ) {}

  @OnEveryCustomerEvent()
  relay(event: CustomerDomainEvent): Promise<void> {
    if (typeof event?.tenantId !== 'string' || typeof event.companyId !== 'string') {
      this.logger.error({ event: (event as { name?: unknown })?.name }, 'Malformed customer event not relayed');
      return Promise.resolve();
    }
    const room = companyRoom(event.tenantId, event.companyId);
    const next = (this.tails.get(room) ?? Promise.resolve()).then(() => this.deliver(room, event));
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
  private async deliver(room: string, event: CustomerDomainEvent): Promise<void> {
    let payload: CustomerRealtimePayload;
    try {
      payload = await this.runner.runInTenant(event.tenantId, () => this.log.append(event));
    } catch (e) {
      this.logger.error(
        { err: e, tenant: event.tenantId, company: event.companyId, event: event.name },
        'Could not log a customer event; delivering it without seq',
      );
      payload = toRealtimePayload(event, null);
    }
    try {
      this.gateway.publish(room, event.name, payload);
    } catch (e) {
      this.logger.error({ err: e, room, event: event.name }, 'Could not publish a customer event');
    }
  }
}
