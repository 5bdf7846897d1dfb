import { Module, OnModuleInit } from '@nestjs/common';
import { IsolationProbeRegistry, TenancyModule } from '@app/tenancy';
import { CompanyController } from './company.controller';
import { CompanyIsolationProbe } from './company.isolation-probe';
import { CompanyService } from './company.service';
import { IsolationCheckService } from './isolation-check.service';
import { Company, CompanySchema } from './schemas/company.schema';
import { TenantController } from './tenant.controller';
import { TenantService } from './tenant.service';

/** Tenant registry, provisioning, companies and the isolation check. */
@Module({
  imports: [TenancyModule.forFeature([{ name: Company.name, schema: CompanySchema }])],
  controllers: [TenantController, CompanyController],
  providers: [TenantService, CompanyService, IsolationCheckService],
  exports: [TenantService, CompanyService],
})
export class TenantModule implements OnModuleInit {
  constructor(
    private readonly probes: IsolationProbeRegistry,
    private readonly companies: CompanyService,
  ) {}

  onModuleInit(): void {
    this.probes.register(new CompanyIsolationProbe(this.companies));
  }
}
