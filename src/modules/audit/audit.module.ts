import { Global, Module } from '@nestjs/common';
import { AUDIT_SINK, TenancyModule } from '@app/tenancy';
import { AuditPurgeHook } from './audit-purge.hook';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditEvent, AuditEventSchema } from './schemas/audit-event.schema';

/**
 * The tenant audit log: every versioned write is recorded through AUDIT_SINK (the shared writer in
 * libs/tenancy), `GET /audit` for admins. Global, because every module's writes are audited.
 */
@Global()
@Module({
  imports: [TenancyModule.forFeature([{ name: AuditEvent.name, schema: AuditEventSchema }])],
  controllers: [AuditController],
  providers: [AuditService, AuditPurgeHook, { provide: AUDIT_SINK, useExisting: AuditService }],
  exports: [AuditService, AUDIT_SINK],
})
export class AuditModule {}
