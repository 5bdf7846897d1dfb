import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, Outbox, type OutboxTicket } from '@app/tenancy';

/** An event a write will announce, with the record version that write produces (see Outbox). */
export interface AheadOfWrite {
  entityType: string;
  entityId: string;
  version: number;
  event: DomainEvent;
}

/** Events recorded ahead of their write: what `committed` (it landed) or `abandon` (it did not) takes. */
export interface PreparedEvents {
  events: DomainEvent[];
  /** Per event; null when no durable consumer wants it (nothing was written). */
  tickets: Array<OutboxTicket | null>;
}

/**
 * Announces events of writes made without the versioned writer (scores, the health model), to the
 * outbox (webhooks) and in process (realtime rooms). Each is recorded ahead of its write (`prepare`,
 * then `committed` or `abandon`), so one whose write landed reaches webhooks even if the process dies
 * right after it: the outbox's recovery asks the registered record type whether the record is at the
 * version the entry names.
 */
@Injectable()
export class AnalyticsEventPublisher {
  private readonly logger = new Logger(AnalyticsEventPublisher.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly events: EventEmitter2,
  ) {}

  /** How outbox recovery reads the version of a record announced through `prepare`. */
  registerRecordType(entityType: string, versionOf: (id: string) => Promise<number | null>): void {
    this.outbox.registerRecordType(entityType, versionOf);
  }

  /** Before the write: records each event a durable consumer wants. Throws if it cannot (then write nothing). */
  async prepare(writes: readonly AheadOfWrite[]): Promise<PreparedEvents> {
    const tickets = await Promise.all(writes.map((w) => this.outbox.prepare({ ...w, removal: false })));
    return { events: writes.map((w) => w.event), tickets };
  }

  /** After the write landed: hands the events to the outbox's consumers, then emits them in process. */
  async committed(prepared: PreparedEvents): Promise<void> {
    await Promise.all(
      prepared.events.map(async (event, i) => {
        const ticket = prepared.tickets[i];
        if (!ticket) return;
        try {
          await this.outbox.committed(ticket, event);
        } catch (err) {
          // The entry is in the outbox already; recovery takes it from there.
          this.logger.error({ err, event: event.name }, 'analytics event hand-off failed');
        }
      }),
    );
    for (const event of prepared.events) this.events.emit(event.name, event);
  }

  /** The write failed: its entries must not be delivered. */
  async abandon(prepared: PreparedEvents): Promise<void> {
    await Promise.all(prepared.tickets.map((ticket) => this.outbox.abandon(ticket)));
  }
}
