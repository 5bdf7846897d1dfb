import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerCounterRepository } from './counters/customer-counter.repository';
import { CUSTOMER_COUNTER_MODEL, CustomerCounterSchema } from './counters/customer-counter.schema';
import { CustomerCounters } from './counters/customer-counters';
import { CustomerCountersMigration } from './counters/customer-counters.migration';
import { CustomerActivityRollups } from './customer-activity-rollups.service';
import { CustomerCompanyCheck } from './customer-company.check';
import { CustomerDeletionChecks } from './customer-deletion';
import { CustomerMergeParticipants } from './customer-merge-participant';
import { CustomerContactNamesMigration } from './customer-contact-names.migration';
import { CustomerExternalKeysMigration } from './customer-external-keys.migration';
import { CustomerContactsController } from './customer-contacts.controller';
import { CustomerContactsService } from './customer-contacts.service';
import { customerRecordsProvider } from './customer-records';
import { CustomerRetentionTask } from './customer-retention.task';
import { CustomerSegments } from './customer-segments';
import { CustomerStatisticsService } from './customer-statistics.service';
import { CustomerController } from './customer.controller';
import { CustomerIsolationProbe } from './customer.isolation-probe';
import { CustomerRepository } from './customer.repository';
import { CustomerService } from './customer.service';
import { customerSettings } from './customer.settings';
import { CustomerDuplicatesService } from './merge/customer-duplicates.service';
import { CustomerMergeController } from './merge/customer-merge.controller';
import { CustomerMergeService } from './merge/customer-merge.service';
import { RevenueEntry, RevenueEntrySchema } from './revenue/revenue-entry.schema';
import { RevenueLedgerMigration, RevenueLedgerPurge } from './revenue/revenue-ledger.registrations';
import { PurchaseHistoryReader } from './revenue/purchase-history.reader';
import { RevenueLedgerMergeParticipant } from './revenue/revenue-ledger.merge-participant';
import { RevenueLedgerRepository } from './revenue/revenue-ledger.repository';
import { RevenueLedgerService } from './revenue/revenue-ledger.service';
import { RevenueController } from './revenue/revenue.controller';
import { RevenueTimelineSource } from './revenue/revenue.timeline-source';
import { Customer, CustomerSchema } from './schemas/customer.schema';
import { CustomerTimelineSource } from './timeline/customer.timeline-source';
import { TimelineService } from './timeline/timeline.service';

/**
 * Customers, contacts, status, assignment, tags, revenue, search and statistics. Others use it
 * through ./index.ts (CustomerService, event types, the DTOs they pass); never its schema or
 * repository.
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: Customer.name, schema: CustomerSchema },
      { name: CUSTOMER_COUNTER_MODEL, schema: CustomerCounterSchema },
      { name: RevenueEntry.name, schema: RevenueEntrySchema },
    ]),
    ConfigModule.forFeature(customerSettings),
    CompanyModule,
  ],
  controllers: [CustomerController, CustomerContactsController, RevenueController, CustomerMergeController],
  providers: [
    // storage and writes
    CustomerRepository,
    CustomerCounterRepository,
    CustomerCounters,
    RevenueLedgerRepository,
    PurchaseHistoryReader,
    customerRecordsProvider,
    // services
    CustomerService,
    CustomerDeletionChecks,
    CustomerContactsService,
    RevenueLedgerService,
    CustomerStatisticsService,
    CustomerActivityRollups,
    TimelineService,
    CustomerSegments,
    CustomerDuplicatesService,
    CustomerMergeService,
    CustomerMergeParticipants,
    // registrations: isolation probe, company-deletion check, housekeeping, data migrations
    CustomerIsolationProbe,
    CustomerCompanyCheck,
    CustomerRetentionTask,
    CustomerTimelineSource,
    CustomerContactNamesMigration,
    CustomerCountersMigration,
    RevenueLedgerPurge,
    RevenueLedgerMigration,
    RevenueTimelineSource,
    CustomerExternalKeysMigration,
    RevenueLedgerMergeParticipant,
  ],
  exports: [CustomerService, PurchaseHistoryReader, CustomerActivityRollups],
})
export class CustomerModule {}
