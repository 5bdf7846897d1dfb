import { Injectable } from '@nestjs/common';
import { type OutboxConsumer, OutboxConsumerProvider, type OutboxEventHead } from '@app/tenancy';

/**
 * A durable consumer that wants every event of the tenants it is told about and does nothing with
 * them: what remains is the outbox's own price on a write (the entry written before, handed over and
 * removed after), without any webhook delivery competing for the database.
 */
@OutboxConsumerProvider()
@Injectable()
export class BenchOutboxConsumer implements OutboxConsumer {
  readonly tenants = new Set<string>();

  async wants(head: OutboxEventHead): Promise<boolean> {
    return this.tenants.has(head.tenantId);
  }

  async consume(): Promise<void> {}
}
