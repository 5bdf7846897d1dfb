import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CompanyScopeQueryDto, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { AuditPageQueryDto, AuditPageResponse } from '../audit';
import { CustomerRevenueService } from './customer-revenue.service';
import { CustomerStatisticsService } from './customer-statistics.service';
import { CustomerService } from './customer.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { AddTagsDto, AssignCustomerDto, RecordRevenueDto, SetStatusDto } from './dto/customer-actions.dto';
import {
  CustomerListResponse,
  CustomerPageResponse,
  CustomerResponse,
  CustomerStatisticsResponse,
} from './dto/customer.response';
import { ListCustomersQueryDto, RecentCustomersQueryDto } from './dto/list-customers-query.dto';
import { TimelineQueryDto } from './dto/timeline-query.dto';
import { TimelinePageResponse } from './dto/timeline.response';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import { ParseTagPipe } from './tag-param.pipe';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The ETag ("<version>") you last saw; a stale one gets 412 and nothing is written',
});

@ApiTags('customers')
@ApiBearerAuth()
@ApiProblemResponses(
  [409, 'Write conflict, or the company is gone'],
  [412, 'If-Match is stale'],
  [422, 'Too many contacts/tags, or Idempotency-Key reused'],
)
@UseInterceptors(VersionETagInterceptor)
@Controller('customers')
export class CustomerController {
  constructor(
    private readonly customers: CustomerService,
    private readonly revenue: CustomerRevenueService,
    private readonly stats: CustomerStatisticsService,
  ) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @ApiOperation({ summary: 'Create a customer under a company of your tenant' })
  create(@Body() dto: CreateCustomerDto): Promise<CustomerResponse> {
    return this.customers.create(dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List customers: filters, prefix search (q), sort, keyset paging (limit 1..100, default 25)',
  })
  list(@Query() query: ListCustomersQueryDto): Promise<CustomerPageResponse> {
    return this.customers.list(query);
  }

  @Get('recent')
  @ApiOperation({ summary: 'Most recently updated customers first' })
  recent(@Query() query: RecentCustomersQueryDto): Promise<CustomerListResponse> {
    return this.customers.recent(query);
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Counts by status and source, revenue, new in the last 30 days (one company or all)' })
  statistics(@Query() query: CompanyScopeQueryDto): Promise<CustomerStatisticsResponse> {
    return this.stats.statistics(query);
  }

  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<CustomerResponse> {
    return this.customers.get(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @IF_MATCH
  @ApiOperation({ summary: 'Change some fields (null clears an optional one)' })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateCustomerDto,
    @IfMatchVersion() version?: number,
  ): Promise<CustomerResponse> {
    return this.customers.update(id, dto, version);
  }

  @Delete(':id')
  @MinRole(Role.ADMIN)
  @HttpCode(204)
  @IF_MATCH
  @ApiOperation({ summary: 'Soft-delete (restorable until purged after the retention period)' })
  async remove(@Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version?: number): Promise<void> {
    await this.customers.remove(id, version);
  }

  @Post(':id/restore')
  @MinRole(Role.ADMIN)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Bring back a soft-deleted customer' })
  restore(@Param('id', ParseObjectIdPipe) id: string): Promise<CustomerResponse> {
    return this.customers.restore(id);
  }

  @Put(':id/status')
  @MinRole(Role.MEMBER)
  @IF_MATCH
  @ApiOperation({ summary: 'Change status; appends to statusHistory (same status: no-op)' })
  setStatus(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: SetStatusDto,
    @IfMatchVersion() version?: number,
  ): Promise<CustomerResponse> {
    return this.customers.setStatus(id, dto, version);
  }

  @Put(':id/assignee')
  @MinRole(Role.MEMBER)
  @IF_MATCH
  @ApiOperation({ summary: 'Assign an owner (userId) or unassign (null)' })
  assign(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: AssignCustomerDto,
    @IfMatchVersion() version?: number,
  ): Promise<CustomerResponse> {
    return this.customers.assign(id, dto, version);
  }

  @Post(':id/tags')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Add tags (normalised; existing ones are kept once)' })
  addTags(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: AddTagsDto): Promise<CustomerResponse> {
    return this.customers.addTags(id, dto);
  }

  @Delete(':id/tags/:tag')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Remove one tag (absent tag: no-op)' })
  removeTag(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('tag', ParseTagPipe) tag: string,
  ): Promise<CustomerResponse> {
    return this.customers.removeTag(id, tag);
  }

  @Post(':id/revenue')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Record a purchase; the same reference counts once' })
  recordRevenue(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: RecordRevenueDto): Promise<CustomerResponse> {
    return this.revenue.record(id, dto);
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary:
      'Everything that happened to this customer (activities, status, assignment, revenue, conversion, ...), newest first',
  })
  timeline(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: TimelineQueryDto,
  ): Promise<TimelinePageResponse> {
    return this.customers.timeline(id, query);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Audit trail of this customer, newest first' })
  history(@Param('id', ParseObjectIdPipe) id: string, @Query() page: AuditPageQueryDto): Promise<AuditPageResponse> {
    return this.customers.history(id, page);
  }
}
