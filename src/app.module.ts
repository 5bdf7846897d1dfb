import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '@app/auth';
import {
  AppConfig,
  createValidationPipe,
  LocationInterceptor,
  ProblemDetailsFilter,
  requestIdOf,
  validateEnv,
} from '@app/common';
import { TenancyModule } from '@app/tenancy';
import { AuditModule } from './modules/audit/audit.module';
import { CustomerModule } from './modules/customer/customer.module';
import { LeadModule } from './modules/lead/lead.module';
import { HealthModule } from './modules/health/health.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { RateLimitModule } from './modules/rate-limit/rate-limit.module';
import { TenantModule } from './modules/tenant/tenant.module';

const ALL_ROUTES = { path: '{*path}', method: RequestMethod.ALL };

type LoggedRequest = IncomingMessage & { tenantId?: string; userId?: string };

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, validate: validateEnv }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        forRoutes: [ALL_ROUTES],
        pinoHttp: {
          level: config.get('LOG_LEVEL', { infer: true }),
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
    TenancyModule.forRoot(),
    AuthModule,
    // After AuthModule: global guards run in registration order, and limits key on the verified caller.
    RateLimitModule,
    HealthModule,
    TenantModule,
    AuditModule,
    CustomerModule,
    RealtimeModule,
    LeadModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_INTERCEPTOR, useClass: LocationInterceptor },
  ],
})
export class AppModule {}
