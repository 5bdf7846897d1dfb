import { Module, OnModuleInit } from '@nestjs/common';
import { idempotencyProviders, IDEMPOTENCY_RECORD, IdempotencyRecordSchema } from '@app/common';
import { getTenantModelToken, IsolationProbeRegistry, TenancyModule } from '@app/tenancy';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { CompanyService } from '../tenant/company.service';
import { TenantModule } from '../tenant/tenant.module';
import { CustomerContactsController } from './customer-contacts.controller';
import { CustomerContactsService } from './customer-contacts.service';
import { CustomerPurgeService } from './customer-purge.service';
import { CustomerRevenueService } from './customer-revenue.service';
import { CustomerStatisticsService } from './customer-statistics.service';
import { CustomerWriter } from './customer-writer';
import { CustomerController } from './customer.controller';
import { CustomerIsolationProbe } from './customer.isolation-probe';
import { CustomerRepository } from './customer.repository';
import { CustomerService } from './customer.service';
import { Customer, CustomerSchema } from './schemas/customer.schema';

/**
 * Customers, contacts, status, assignment, tags, revenue, search and statistics. Exports
 * CustomerService (the Lead module converts through it) and, via ./events, the event types;
 * never the schema or repository.
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: Customer.name, schema: CustomerSchema },
      { name: IDEMPOTENCY_RECORD, schema: IdempotencyRecordSchema },
    ]),
    TenantModule,
    AuditModule,
  ],
  controllers: [CustomerController, CustomerContactsController],
  providers: [
    CustomerRepository,
    CustomerWriter,
    CustomerService,
    CustomerContactsService,
    CustomerRevenueService,
    CustomerStatisticsService,
    CustomerPurgeService,
    ...idempotencyProviders(getTenantModelToken(IDEMPOTENCY_RECORD)),
  ],
  exports: [CustomerService],
})
export class CustomerModule implements OnModuleInit {
  constructor(
    private readonly probes: IsolationProbeRegistry,
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly contacts: CustomerContactsService,
    private readonly revenue: CustomerRevenueService,
    private readonly stats: CustomerStatisticsService,
    private readonly repo: CustomerRepository,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.companies.registerDeletionCheck((companyId) => this.customers.companyInUse(companyId));
    this.probes.register(
      new CustomerIsolationProbe(
        this.customers,
        this.contacts,
        this.revenue,
        this.stats,
        this.repo,
        this.companies,
        this.audit,
      ),
    );
  }
}
