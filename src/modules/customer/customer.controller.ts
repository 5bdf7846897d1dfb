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
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import {
  CompanyScopeQueryDto,
  CreatesResource,
  IfMatchVersion,
  ParseObjectIdPipe,
  Role,
  VersionETagInterceptor,
} from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { AuditPageQueryDto, AuditPageResponse } from '../audit';
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
import { RevenueLedgerService } from './revenue/revenue-ledger.service';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import { ParseTagPipe } from './tag-param.pipe';

@ApiTags('customers')
@ApiProblemResponses(
  [409, 'Write conflict, or the company is gone'],
  [422, 'Too many contacts/tags, or Idempotency-Key reused'],
)
@UseInterceptors(VersionETagInterceptor)
@Controller('customers')
export class CustomerController {
  constructor(
    private readonly customers: CustomerService,
    private readonly revenue: RevenueLedgerService,
    private readonly stats: CustomerStatisticsService,
  ) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Create a customer under a company of your tenant' })
  @ApiCreatedResponse({ type: CustomerResponse, description: 'The customer as stored (normalised)' })
  create(@Body() dto: CreateCustomerDto): Promise<CustomerResponse> {
    return this.customers.create(dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List customers: filters, prefix search (q), sort, keyset paging (limit 1..100, default 25)',
  })
  @ApiOkResponse({ type: CustomerPageResponse })
  list(@Query() query: ListCustomersQueryDto): Promise<CustomerPageResponse> {
    return this.customers.list(query);
  }

  @Get('recent')
  @ApiOperation({ summary: 'Most recently updated customers first' })
  @ApiOkResponse({ type: CustomerListResponse })
  recent(@Query() query: RecentCustomersQueryDto): Promise<CustomerListResponse> {
    return this.customers.recent(query);
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Counts by status and source, revenue, new in the last 30 days (one company or all)' })
  @ApiOkResponse({ type: CustomerStatisticsResponse })
  statistics(@Query() query: CompanyScopeQueryDto): Promise<CustomerStatisticsResponse> {
    return this.stats.statistics(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a customer' })
  @ApiOkResponse({ type: CustomerResponse })
  @ApiProblemResponses([410, 'The customer was merged into another: `mergedInto` names it'])
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<CustomerResponse> {
    return this.customers.read(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change some fields (null clears an optional one)' })
  @ApiOkResponse({ type: CustomerResponse })
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
  @ApiOperation({ summary: 'Soft-delete (restorable until purged after the retention period)' })
  @ApiNoContentResponse({ description: 'Deleted (hidden from reads until restored)' })
  async remove(@Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version?: number): Promise<void> {
    await this.customers.remove(id, version);
  }

  @Post(':id/restore')
  @MinRole(Role.ADMIN)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Bring back a soft-deleted customer' })
  @ApiOkResponse({ type: CustomerResponse })
  restore(@Param('id', ParseObjectIdPipe) id: string): Promise<CustomerResponse> {
    return this.customers.restore(id);
  }

  @Put(':id/status')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change status; appends to statusHistory (same status: no-op)' })
  @ApiOkResponse({ type: CustomerResponse })
  setStatus(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: SetStatusDto,
    @IfMatchVersion() version?: number,
  ): Promise<CustomerResponse> {
    return this.customers.setStatus(id, dto, version);
  }

  @Put(':id/assignee')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Assign an owner (userId) or unassign (null)' })
  @ApiOkResponse({ type: CustomerResponse })
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
  @ApiOkResponse({ type: CustomerResponse })
  addTags(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: AddTagsDto): Promise<CustomerResponse> {
    return this.customers.addTags(id, dto);
  }

  @Delete(':id/tags/:tag')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Remove one tag (absent tag: no-op)' })
  @ApiOkResponse({ type: CustomerResponse })
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
  @ApiOperation({ summary: 'Record a purchase as a ledger entry; the same reference counts once' })
  @ApiOkResponse({ type: CustomerResponse })
  recordRevenue(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: RecordRevenueDto): Promise<CustomerResponse> {
    return this.revenue.recordPurchase(id, dto);
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary:
      'Everything that happened to this customer (activities, status, assignment, revenue, conversion, ...), newest first',
  })
  @ApiOkResponse({ type: TimelinePageResponse })
  timeline(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: TimelineQueryDto,
  ): Promise<TimelinePageResponse> {
    return this.customers.timeline(id, query);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Audit trail of this customer, newest first' })
  @ApiOkResponse({ type: AuditPageResponse })
  history(@Param('id', ParseObjectIdPipe) id: string, @Query() page: AuditPageQueryDto): Promise<AuditPageResponse> {
    return this.customers.history(id, page);
  }
}
