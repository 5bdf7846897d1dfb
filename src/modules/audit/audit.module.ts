import { Module } from '@nestjs/common';
import { TenancyModule } from '@app/tenancy';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditEvent, AuditEventSchema } from './schemas/audit-event.schema';

/** The tenant audit log: `AuditService.record` for writers, `GET /audit` for admins. */
@Module({
  imports: [TenancyModule.forFeature([{ name: AuditEvent.name, schema: AuditEventSchema }])],
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
