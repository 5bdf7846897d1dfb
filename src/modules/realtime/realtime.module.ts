import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule, CustomerService } from '../customer';
import { RealtimeEventLog } from './realtime-event-log.service';
import { DomainEventRelay } from './domain-event.relay';
import { CUSTOMER_SNAPSHOT_SOURCE, CustomerSnapshotSource } from './customer-snapshot.source';
import { RealtimeAccess } from './realtime-access.service';
import { RealtimeLogRetentionTask } from './realtime-log-retention.task';
import { RealtimePurgeHook } from './realtime-purge.hook';
import { RealtimeSubscriptionService } from './realtime-subscription.service';
import { RealtimeGateway } from './realtime.gateway';
import { SocketSessionRecheck } from './socket-session-recheck';
import { RealtimeIsolationProbe } from './realtime.isolation-probe';
import { DEFAULT_REALTIME_OPTIONS, REALTIME_OPTIONS } from './realtime.options';
import { RealtimeCounter, RealtimeCounterSchema } from './schemas/realtime-counter.schema';
import { RealtimeEvent, RealtimeEventSchema } from './schemas/realtime-event.schema';

/** The snapshot is the customer module's own first page, with its visibility rules. */
const customerSnapshots = (customers: CustomerService): CustomerSnapshotSource => ({
  firstPage: (companyId) => customers.list({ companyId }),
});

/**
 * Live customer changes over Socket.IO, one room per company. Listens to customer events and
 * reads snapshots through CustomerService; no module imports this one.
 */
@Module({
  imports: [
    CompanyModule,
    CustomerModule,
    TenancyModule.forFeature([
      { name: RealtimeEvent.name, schema: RealtimeEventSchema },
      { name: RealtimeCounter.name, schema: RealtimeCounterSchema },
    ]),
  ],
  providers: [
    RealtimeGateway,
    RealtimeAccess,
    RealtimeIsolationProbe,
    RealtimeSubscriptionService,
    RealtimeEventLog,
    DomainEventRelay,
    // registrations: erase a purged record's events or a deleted company's stream, prune old events hourly
    RealtimePurgeHook,
    RealtimeLogRetentionTask,
    SocketSessionRecheck,
    { provide: REALTIME_OPTIONS, useValue: DEFAULT_REALTIME_OPTIONS },
    { provide: CUSTOMER_SNAPSHOT_SOURCE, inject: [CustomerService], useFactory: customerSnapshots },
  ],
})
export class RealtimeModule {}
