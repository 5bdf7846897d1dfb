import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { CustomerModule } from '../customer';
import { BatchController } from './batch/batch.controller';
import { BatchService } from './batch/batch.service';
import { CustomerOperations } from './batch/customer-operation';
import { dataExchangeSettings } from './data-exchange.settings';
import { ExportController } from './export/export.controller';
import { ExportService } from './export/export.service';
import { ImportResumeTask } from './import/import-resume.task';
import { ImportController } from './import/import.controller';
import { ImportRepository } from './import/import.repository';
import { ImportRunner } from './import/import.runner';
import { ImportService } from './import/import.service';
import { ImportJob, ImportJobSchema, ImportPart, ImportPartSchema } from './schemas/import-job.schema';
import { DataExchangeIsolationProbe } from './data-exchange.isolation-probe';

/**
 * Data in and out of a tenant: batch writes, CSV/NDJSON import (a resumable background job that
 * can be reverted) and streamed export. Customers are written only through CustomerService.
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
  ],
  controllers: [BatchController, ExportController, ImportController],
  providers: [
    // storage and writes
    ImportRepository,
    CustomerOperations,
    // services
    BatchService,
    ExportService,
    ImportService,
    ImportRunner,
    // registrations: housekeeping, isolation probe
    ImportResumeTask,
    DataExchangeIsolationProbe,
  ],
})
export class DataExchangeModule {}
