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
import { CreatesResource, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import {
  CreateOpportunityDto,
  ForecastQueryDto,
  ListOpportunitiesQueryDto,
  LoseOpportunityDto,
  SetStageDto,
  UpdateOpportunityDto,
  WinOpportunityDto,
} from './dto/opportunity.dto';
import { ForecastResponse, OpportunityPageResponse, OpportunityResponse } from './dto/opportunity.response';
import { OpportunityForecastService } from './opportunity-forecast.service';
import { OpportunityService } from './opportunity.service';

@ApiTags('opportunities')
@ApiProblemResponses(
  [409, 'The opportunity is closed (read-only until reopened), or not closed (reopen)'],
  [422, 'The stage is not an open stage of the pipeline'],
)
@UseInterceptors(VersionETagInterceptor)
@Controller('opportunities')
export class OpportunityController {
  constructor(
    private readonly opportunities: OpportunityService,
    private readonly forecasts: OpportunityForecastService,
  ) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Create a deal on a customer (default pipeline and its first stage unless given)' })
  @ApiCreatedResponse({ type: OpportunityResponse })
  create(@Body() dto: CreateOpportunityDto): Promise<OpportunityResponse> {
    return this.opportunities.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List deals: filters, name search (q), sort, keyset paging (limit 1..100, default 25)' })
  @ApiOkResponse({ type: OpportunityPageResponse })
  list(@Query() query: ListOpportunitiesQueryDto): Promise<OpportunityPageResponse> {
    return this.opportunities.list(query);
  }

  @Get('forecast')
  @ApiOperation({ summary: 'Per stage count, amount and weighted amount; won/lost totals and win rate' })
  @ApiOkResponse({ type: ForecastResponse })
  forecast(@Query() query: ForecastQueryDto): Promise<ForecastResponse> {
    return this.forecasts.forecast(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a deal' })
  @ApiOkResponse({ type: OpportunityResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<OpportunityResponse> {
    return this.opportunities.get(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change name, amount, expected close date or owner (open deals only)' })
  @ApiOkResponse({ type: OpportunityResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateOpportunityDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<OpportunityResponse> {
    return this.opportunities.update(id, dto, version);
  }

  @Delete(':id')
  @MinRole(Role.MEMBER)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a deal (soft; a won deal must be reopened first)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<void> {
    await this.opportunities.remove(id, version);
  }

  @Put(':id/stage')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Move to another open stage (history keeps from, to, by, at)' })
  @ApiOkResponse({ type: OpportunityResponse })
  setStage(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: SetStageDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<OpportunityResponse> {
    return this.opportunities.setStage(id, dto.stage, version);
  }

  @Post(':id/won')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: "Close as won: records the revenue on the customer's ledger once (retry-safe)" })
  @ApiOkResponse({ type: OpportunityResponse })
  win(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: WinOpportunityDto): Promise<OpportunityResponse> {
    return this.opportunities.win(id, dto);
  }

  @Post(':id/lost')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Close as lost, with a reason' })
  @ApiOkResponse({ type: OpportunityResponse })
  lose(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: LoseOpportunityDto): Promise<OpportunityResponse> {
    return this.opportunities.lose(id, dto.reason);
  }

  @Post(':id/reopen')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Reopen a closed deal; a won one has its revenue entry reversed (retry-safe)' })
  @ApiOkResponse({ type: OpportunityResponse })
  reopen(@Param('id', ParseObjectIdPipe) id: string): Promise<OpportunityResponse> {
    return this.opportunities.reopen(id);
  }
}
