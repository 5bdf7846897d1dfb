import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { CompanyDeletionChecks } from './company-deletion';
import { CompanyController } from './company.controller';
import { CompanyIsolationProbe } from './company.isolation-probe';
import { CompanyRepository } from './company.repository';
import { CompanyService } from './company.service';
import { Company, CompanySchema } from './schemas/company.schema';

/** Companies (business units) of a tenant: every module files its data under one. */
@Module({
  imports: [TenancyModule.forFeature([{ name: Company.name, schema: CompanySchema }])],
  controllers: [CompanyController],
  providers: [CompanyRepository, CompanyService, CompanyDeletionChecks, CompanyIsolationProbe],
  exports: [CompanyService],
})
export class CompanyModule {}
