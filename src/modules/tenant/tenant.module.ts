import { Module } from '@nestjs/common';
import { IsolationCheckService } from './isolation-check.service';
import { TenantController } from './tenant.controller';
import { TenantService } from './tenant.service';

/** The platform's tenant registry, provisioning and the isolation check. */
@Module({
  controllers: [TenantController],
  providers: [TenantService, IsolationCheckService],
  exports: [TenantService],
})
export class TenantModule {}
