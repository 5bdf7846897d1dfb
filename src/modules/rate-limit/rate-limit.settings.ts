import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { defineSettings, EnvBool, EnvInt } from '@app/common';

/** Request budgets (429 with Retry-After when spent). */
export class RateLimitSettings {
  /** Off only where a gateway in front already limits. */
  @EnvBool()
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** The window every RATE_LIMIT_PER_* count is taken over. */
  @EnvInt()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS = 10_000;

  /** Requests per window for one user of one tenant (or one platform operator). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_USER = 1_000;

  /** Requests per window for all users of one tenant together. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_TENANT = 5_000;

  /** Requests per window per client IP on routes that need no token (health). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_IP = 300;
}

export const rateLimitSettings = defineSettings('rateLimit', RateLimitSettings);
