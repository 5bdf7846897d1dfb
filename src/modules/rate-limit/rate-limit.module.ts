import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { appSettings, type Settings } from '@app/common';
import { RateLimitGuard } from './rate-limit.guard';
import { rateLimitOptions } from './rate-limit.options';
import { rateLimitSettings } from './rate-limit.settings';

/**
 * Per-tenant, per-user and (for public routes) per-IP request limits. Import it after AuthModule:
 * its guard reads the tenant and user the AuthGuard puts on the request.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ConfigModule.forFeature(rateLimitSettings), ConfigModule.forFeature(appSettings)],
      inject: [rateLimitSettings.KEY, appSettings.KEY],
      useFactory: (limits: Settings<typeof rateLimitSettings>, app: Settings<typeof appSettings>) =>
        rateLimitOptions({ ...limits, REDIS_URL: app.REDIS_URL }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
