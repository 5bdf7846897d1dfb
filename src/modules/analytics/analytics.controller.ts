import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CohortQueryDto, RfmQueryDto } from './dto/analytics-query.dto';
import { CohortTableResponse, RecomputeResponse, RfmReportResponse } from './dto/analytics.response';
import { HealthModelDto, HealthModelResponse } from './dto/health-model.dto';
import { CustomerScoresResponse } from './dto/scores.dto';
import { HealthModelService } from './health-model.service';
import { AnalyticsReportService } from './scores/analytics-report.service';
import { ScoreRecomputeJob } from './scores/score-recompute.job';

@ApiTags('analytics')
@ApiProblemResponses([412, 'If-Match names another version of the health model'])
@Controller('analytics')
export class AnalyticsController {
  constructor(
    private readonly reports: AnalyticsReportService,
    private readonly models: HealthModelService,
    private readonly job: ScoreRecomputeJob,
  ) {}

  @Get('rfm')
  @ApiOperation({
    summary:
      'RFM scores per customer (quintiles 1–5, code, named segment) and counts per segment; asOf for a past view',
  })
  @ApiOkResponse({ type: RfmReportResponse })
  rfm(@Query() query: RfmQueryDto): Promise<RfmReportResponse> {
    return this.reports.rfm(query);
  }

  @Get('cohorts')
  @ApiOperation({
    summary: 'Retention by month of first purchase: customers or revenue per later month (unfinished: null)',
  })
  @ApiOkResponse({ type: CohortTableResponse })
  cohorts(@Query() query: CohortQueryDto): Promise<CohortTableResponse> {
    return this.reports.cohorts(query);
  }

  @Get('health-model')
  @UseInterceptors(VersionETagInterceptor)
  @ApiOperation({ summary: "The tenant's health model: component weights and band thresholds" })
  @ApiOkResponse({ type: HealthModelResponse })
  healthModel(): Promise<HealthModelResponse> {
    return this.models.get();
  }

  @Put('health-model')
  @MinRole(Role.ADMIN)
  @UseInterceptors(VersionETagInterceptor)
  @ApiOperation({ summary: 'Replace the health model (admin); scores follow on the next recompute' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag ("<version>") of the model read; stale → 412' })
  @ApiOkResponse({ type: HealthModelResponse })
  setHealthModel(@Body() dto: HealthModelDto, @IfMatchVersion() version?: number): Promise<HealthModelResponse> {
    return this.models.put(dto, version);
  }

  @Post('recompute')
  @MinRole(Role.ADMIN)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: "Recompute every company's scores now (admin; the scheduled job does it regularly)" })
  @ApiOkResponse({ type: RecomputeResponse })
  recompute(): Promise<RecomputeResponse> {
    return this.job.runTenant();
  }
}

@ApiTags('analytics')
@Controller('customers')
export class CustomerScoresController {
  constructor(private readonly reports: AnalyticsReportService) {}

  @Get(':id/scores')
  @ApiOperation({ summary: "A customer's RFM and health scores, with the components and when they were computed" })
  @ApiOkResponse({ type: CustomerScoresResponse })
  scores(@Param('id', ParseObjectIdPipe) id: string): Promise<CustomerScoresResponse> {
    return this.reports.customerScores(id);
  }
}
