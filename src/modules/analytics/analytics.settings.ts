import { IsInt, Max, Min } from 'class-validator';
import { defineSettings, EnvInt } from '@app/common';

const HOUR_MS = 3_600_000;

/** Scores, their scheduled recompute, and saved segments. */
export class AnalyticsSettings {
  /** The RFM window (frequency and monetary count purchases in the last this-many days). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  ANALYTICS_WINDOW_DAYS = 365;

  /**
   * How often each instance starts the full recompute of every tenant (quintile edges move as others
   * buy; recency grows every day); 0 turns the schedule off. Never scheduled under NODE_ENV=test.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * HOUR_MS)
  ANALYTICS_RECOMPUTE_INTERVAL_MS = 6 * HOUR_MS;

  /** The lease one instance holds on a company while it recomputes it (others skip the company). */
  @EnvInt()
  @IsInt()
  @Min(10_000)
  @Max(24 * HOUR_MS)
  ANALYTICS_RECOMPUTE_LEASE_MS = HOUR_MS;

  /** Customers a segment over RFM segment or health band may hold to be used as a customer-list filter. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(100_000)
  ANALYTICS_SEGMENT_MAX_SCORED = 20_000;
}

export const analyticsSettings = defineSettings('analytics', AnalyticsSettings);
