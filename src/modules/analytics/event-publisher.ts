import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, Outbox } from '@app/tenancy';

/**
 * Announces events of writes made without the versioned writer (scores, the health model): recorded in
 * the outbox after the write (webhooks), then emitted in process (realtime rooms). A crash between the
 * write and the outbox loses the event; the next full recompute does not repeat it (see README).
 */
@Injectable()
export class AnalyticsEventPublisher {
  private readonly logger = new Logger(AnalyticsEventPublisher.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly events: EventEmitter2,
  ) {}

  async publish(event: DomainEvent): Promise<void> {
    try {
      await this.outbox.appendCommitted(event);
    } catch (err) {
      this.logger.error({ err, event: event.name }, 'analytics event not recorded in the outbox');
    }
    this.events.emit(event.name, event);
  }
}
