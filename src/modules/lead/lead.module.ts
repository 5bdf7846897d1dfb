import { Module, OnModuleInit } from '@nestjs/common';
import { getTenantModelToken, IsolationProbeRegistry, TenancyModule } from '@app/tenancy';
import { IDEMPOTENCY_RECORD, idempotencyProviders, IdempotencyRecordSchema } from '@app/common';
import { AuditModule } from '../audit/audit.module';
import { CustomerModule } from '../customer/customer.module';
import { CompanyService } from '../tenant/company.service';
import { TenantModule } from '../tenant/tenant.module';
import { LeadConversionService } from './lead-conversion.service';
import { LeadController } from './lead.controller';
import { LeadIsolationProbe } from './lead.isolation-probe';
import { LeadService } from './lead.service';
import { Lead, LeadSchema } from './schemas/lead.schema';

/** Leads and their conversion into customers through CustomerService (never its collection). */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: Lead.name, schema: LeadSchema },
      { name: IDEMPOTENCY_RECORD, schema: IdempotencyRecordSchema },
    ]),
    TenantModule,
    CustomerModule,
    AuditModule,
  ],
  controllers: [LeadController],
  providers: [LeadService, LeadConversionService, ...idempotencyProviders(getTenantModelToken(IDEMPOTENCY_RECORD))],
  exports: [LeadService],
})
export class LeadModule implements OnModuleInit {
  constructor(
    private readonly probes: IsolationProbeRegistry,
    private readonly companies: CompanyService,
    private readonly leads: LeadService,
    private readonly conversion: LeadConversionService,
  ) {}

  onModuleInit(): void {
    this.probes.register(new LeadIsolationProbe(this.companies, this.leads, this.conversion));
  }
}
