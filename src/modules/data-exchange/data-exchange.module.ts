import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { LeadModule } from '../lead';
import { BatchController } from './batch/batch.controller';
import { BatchService } from './batch/batch.service';
import { CustomerOperations } from './batch/customer-operation';
import { LeadOperations } from './batch/lead-operation';
import { dataExchangeSettings } from './data-exchange.settings';
import { ExportController } from './export/export.controller';
import { ExportService } from './export/export.service';
import { CustomerImportEntity } from './import/customer-import.entity';
import { ImportEntities } from './import/import-entity';
import { ImportResumeTask } from './import/import-resume.task';
import { LeadImportEntity } from './import/lead-import.entity';
import { ImportController } from './import/import.controller';
import { ImportRepository } from './import/import.repository';
import { ImportRunner } from './import/import.runner';
import { ImportService } from './import/import.service';
import { ImportJob, ImportJobSchema, ImportPart, ImportPartSchema } from './schemas/import-job.schema';
import { DataExchangeIsolationProbe } from './data-exchange.isolation-probe';

/**
 * Data in and out of a tenant: batch writes, CSV/NDJSON import (a resumable background job that
 * can be reverted) and streamed export. Customers and leads are written only through CustomerService
 * and LeadService.
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: ImportJob.name, schema: ImportJobSchema },
      { name: ImportPart.name, schema: ImportPartSchema },
    ]),
    ConfigModule.forFeature(dataExchangeSettings),
    CompanyModule,
    CustomerModule,
    LeadModule,
  ],
  controllers: [BatchController, ExportController, ImportController],
  providers: [
    // storage and writes
    ImportRepository,
    CustomerOperations,
    LeadOperations,
    // services
    BatchService,
    ExportService,
    ImportService,
    ImportRunner,
    // registrations: what an import writes, housekeeping, isolation probe
    ImportEntities,
    CustomerImportEntity,
    LeadImportEntity,
    ImportResumeTask,
    DataExchangeIsolationProbe,
  ],
})
export class DataExchangeModule {}
