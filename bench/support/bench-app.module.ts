import { Module } from '@nestjs/common';
import { AppModule } from '../../src/app.module';
import { BenchOutboxConsumer } from './bench-outbox.consumer';
import { FixedTenant } from './fixed-tenant';
import { FixedTenantController } from './fixed-tenant.controller';

/** The production application plus the bench-only baseline routes. */
@Module({
  imports: [AppModule],
  controllers: [FixedTenantController],
  providers: [FixedTenant, BenchOutboxConsumer],
})
export class BenchAppModule {}
