export { AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export { AuditPageResponse, AuditEventResponse } from './dto/audit-event.response';
export { AuditPageQueryDto } from './dto/audit-page-query.dto';
