import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '@app/common';
import { RateLimitGuard } from './rate-limit.guard';
import { rateLimitOptions } from './rate-limit.options';

/**
 * Per-tenant, per-user and (for public routes) per-IP request limits. Import it after AuthModule:
 * its guard reads the tenant and user the AuthGuard puts on the request.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        rateLimitOptions({
          RATE_LIMIT_ENABLED: config.get('RATE_LIMIT_ENABLED', { infer: true }),
          RATE_LIMIT_WINDOW_MS: config.get('RATE_LIMIT_WINDOW_MS', { infer: true }),
          RATE_LIMIT_PER_USER: config.get('RATE_LIMIT_PER_USER', { infer: true }),
          RATE_LIMIT_PER_TENANT: config.get('RATE_LIMIT_PER_TENANT', { infer: true }),
          RATE_LIMIT_PER_IP: config.get('RATE_LIMIT_PER_IP', { infer: true }),
          REDIS_URL: config.get('REDIS_URL', { infer: true }),
        }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
