import { Module } from '@nestjs/common';
import { CustomerModule } from '../customer';
import { BatchController } from './batch/batch.controller';
import { BatchService } from './batch/batch.service';
import { CustomerOperations } from './batch/customer-operation';

/**
 * Data in and out of a tenant: batch writes, CSV/NDJSON import (a resumable background job that
 * can be reverted) and streamed export. Customers are written only through CustomerService.
 */
@Module({
  imports: [CustomerModule],
  controllers: [BatchController],
  providers: [
    // writes
    CustomerOperations,
    // services
    BatchService,
  ],
})
export class DataExchangeModule {}
