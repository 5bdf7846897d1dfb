import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { Role } from '@app/common';
import { AuditService } from './audit.service';
import { AuditPageResponse } from './dto/audit-event.response';
import { ListAuditQueryDto } from './dto/list-audit-query.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @MinRole(Role.ADMIN)
  @ApiOperation({
    summary: 'The tenant audit log, newest first (admin); filter by entity, actor and time (limit default 50)',
  })
  @ApiOkResponse({ type: AuditPageResponse })
  list(@Query() query: ListAuditQueryDto): Promise<AuditPageResponse> {
    return this.audit.list(query);
  }
}
