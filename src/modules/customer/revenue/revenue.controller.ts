import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger/api-problem-responses';
import { RevenueEntryPageResponse, RevenueReversalResponse } from './dto/revenue-entry.response';
import { RevenuePageQueryDto, ReverseRevenueDto } from './dto/revenue-query.dto';
import { RevenueLedgerService } from './revenue-ledger.service';

@ApiTags('customers')
@ApiProblemResponses([409, 'The entry was reversed already, or is itself a reversal'])
@Controller('customers/:id/revenue')
export class RevenueController {
  constructor(private readonly ledger: RevenueLedgerService) {}

  @Get()
  @ApiOperation({ summary: "The customer's revenue ledger, newest first (keyset paged)" })
  @ApiOkResponse({ type: RevenueEntryPageResponse })
  list(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: RevenuePageQueryDto,
  ): Promise<RevenueEntryPageResponse> {
    return this.ledger.list(id, query);
  }

  @Post(':entryId/reverse')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Reverse an entry (refund or correction), once; the totals follow the ledger' })
  @ApiOkResponse({ type: RevenueReversalResponse })
  reverse(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('entryId', ParseObjectIdPipe) entryId: string,
    @Body() dto: ReverseRevenueDto,
  ): Promise<RevenueReversalResponse> {
    return this.ledger.reverse(id, entryId, dto.reason);
  }
}
