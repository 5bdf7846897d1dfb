import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { defineSettings, EnvBool, EnvInt } from '@app/common';

const DAY_MS = 86_400_000;

/** Webhook delivery. API keys need no settings of their own (their cache follows TENANT_CACHE_TTL_MS). */
export class IntegrationSettings {
  /**
   * Plain-HTTP endpoints and private, loopback, link-local and CGNAT addresses (local development and
   * tests). Cloud metadata addresses are refused even then.
   */
  @EnvBool()
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** One delivery attempt, DNS to last byte read. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** How often each instance looks for due retries and stranded outbox entries; 0 turns the loop off. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(600_000)
  WEBHOOK_POLL_INTERVAL_MS = 2_000;

  /** Delivery attempts in flight per instance. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_CONCURRENCY = 16;

  /** Delay before the first retry; each next one is 4x longer (capped at 8 h), ±20% jitter. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 5_000;

  /** How long a delivery is retried before it is `failed`. */
  @EnvInt()
  @IsInt()
  @Min(60_000)
  @Max(7 * DAY_MS)
  WEBHOOK_RETRY_WINDOW_MS = DAY_MS;

  /** An endpoint failing every attempt for this long (5 attempts at least) is disabled. */
  @EnvInt()
  @IsInt()
  @Min(60_000)
  @Max(30 * DAY_MS)
  WEBHOOK_DISABLE_AFTER_MS = DAY_MS;

  /** Finished deliveries are kept in the log this many days. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(365)
  WEBHOOK_LOG_RETENTION_DAYS = 30;
}

export const integrationSettings = defineSettings('integration', IntegrationSettings);
