import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger/api-problem-responses';
import { CustomerDuplicatesService } from './customer-duplicates.service';
import { CustomerMergeService } from './customer-merge.service';
import { DuplicateGroupsResponse, DuplicatesLimitQueryDto, DuplicatesQueryDto } from './dto/duplicates.dto';
import { MergeCustomersDto, MergeResultResponse } from './dto/merge.dto';

/**
 * Duplicates and merge. `duplicates` is a static segment, which the router (find-my-way) matches before
 * CustomerController's `:id` whatever the registration order: `/customers/duplicates` is never read as
 * a customer id (the duplicates e2e test holds it).
 */
@ApiTags('customers')
@Controller('customers')
export class CustomerMergeController {
  constructor(
    private readonly duplicates: CustomerDuplicatesService,
    private readonly merges: CustomerMergeService,
  ) {}

  @Get('duplicates')
  @ApiOperation({
    summary: 'Groups of likely duplicate customers of a company (email, website/email domain, phone, similar name)',
  })
  @ApiOkResponse({ type: DuplicateGroupsResponse })
  ofCompany(@Query() query: DuplicatesQueryDto): Promise<DuplicateGroupsResponse> {
    return this.duplicates.ofCompany(query);
  }

  @Get(':id/duplicates')
  @ApiOperation({ summary: 'Likely duplicates of one customer, each paired with it, best first' })
  @ApiOkResponse({ type: DuplicateGroupsResponse })
  ofCustomer(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: DuplicatesLimitQueryDto,
  ): Promise<DuplicateGroupsResponse> {
    return this.duplicates.ofCustomer(id, query);
  }

  @Post(':id/merge')
  @MinRole(Role.MEMBER)
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge up to 9 customers into this one (dryRun: show the result, write nothing); idempotent, crash-safe',
  })
  @ApiOkResponse({ type: MergeResultResponse })
  @ApiProblemResponses(
    [409, 'A source was merged already, is of another company, or a record is busy'],
    [422, 'The merged customer would have too many contacts or tags, or Idempotency-Key reused'],
  )
  merge(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: MergeCustomersDto): Promise<MergeResultResponse> {
    return this.merges.merge(id, dto);
  }
}
