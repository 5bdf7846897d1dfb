import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { DatabasePingIndicator } from './database-ping.indicator';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class IndicatorResponse {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why it is down' }) message?: string;
}

export class IndicatorsResponse {
  @ApiPropertyOptional({ type: IndicatorResponse, description: 'The database answers a ping' })
  database?: IndicatorResponse;
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: IndicatorsResponse }) info: IndicatorsResponse;
  @ApiProperty({ type: IndicatorsResponse }) error: IndicatorsResponse;
  @ApiProperty({ type: IndicatorsResponse }) details: IndicatorsResponse;
}

@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabasePingIndicator,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: the database answers a ping (503 otherwise)' })
  @ApiOkResponse({ type: ReadinessResponse })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.ping('database')]);
  }
}
