import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '@app/auth';
import {
  appSettings,
  createValidationPipe,
  LocationInterceptor,
  ProblemDetailsFilter,
  requestIdOf,
  type Settings,
} from '@app/common';
import { TenancyModule } from '@app/tenancy';
import { ActivityModule } from './modules/activity';
import { AuditModule } from './modules/audit';
import { CompanyModule } from './modules/company';
import { CustomerModule } from './modules/customer';
import { DataExchangeModule } from './modules/data-exchange';
import { HealthModule } from './modules/health';
import { IntegrationModule } from './modules/integration';
import { AnalyticsModule } from './modules/analytics';
import { LeadModule } from './modules/lead';
import { OpportunityModule } from './modules/opportunity';
import { RateLimitModule } from './modules/rate-limit';
import { RealtimeModule } from './modules/realtime';
import { TenantModule } from './modules/tenant';

const ALL_ROUTES = { path: '{*path}', method: RequestMethod.ALL };

type LoggedRequest = IncomingMessage & { tenantId?: string; userId?: string };

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appSettings] }),
    LoggerModule.forRootAsync({
      imports: [ConfigModule.forFeature(appSettings)],
      inject: [appSettings.KEY],
      useFactory: (config: Settings<typeof appSettings>) => ({
        forRoutes: [ALL_ROUTES],
        pinoHttp: {
          level: config.LOG_LEVEL,
          genReqId: (req) => requestIdOf(req),
          customProps: (req) => {
            const r = req as LoggedRequest;
            return { tenant: r.tenantId, user: r.userId };
          },
          // Paths only: query strings can carry search terms (personal data); never headers.
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        },
      }),
    }),
    EventEmitterModule.forRoot(),
    ScheduleModule.forRoot(),
    TenancyModule.forRoot(),
    AuthModule,
    // After AuthModule: global guards run in registration order, and limits key on the verified caller.
    RateLimitModule,
    HealthModule,
    TenantModule,
    AuditModule,
    CompanyModule,
    CustomerModule,
    RealtimeModule,
    OpportunityModule,
    LeadModule,
    ActivityModule,
    IntegrationModule,
    DataExchangeModule,
    AnalyticsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_INTERCEPTOR, useClass: LocationInterceptor },
  ],
})
export class AppModule {}
