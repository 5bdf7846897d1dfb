/** How failed attempts are retried. */
export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Each next delay is this many times the previous one. */
  factor: number;
  maxDelayMs: number;
  /** No attempt is scheduled later than this after the window started. */
  windowMs: number;
  /** ± this fraction of each delay, at random, so endpoints that failed together do not retry together. */
  jitter: number;
}

/**
 * With the defaults (5 s base, ×4, capped at 8 h, 24 h window): retries after about 5 s, 20 s, 80 s,
 * 5 min, 21 min, 85 min, 5.7 h, 8 h and 8 h, about ten attempts over a day; then the delivery fails.
 */
export const DEFAULT_FACTOR = 4;
export const DEFAULT_MAX_DELAY_MS = 8 * 3_600_000;
export const DEFAULT_JITTER = 0.2;

/**
 * When to try again after `attemptsMade` failed attempts, or null when that would fall outside the
 * retry window (the delivery has failed for good).
 */
export function nextAttemptAt(
  attemptsMade: number,
  windowStart: Date,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Date | null {
  const raw = Math.min(policy.maxDelayMs, policy.baseMs * policy.factor ** Math.max(0, attemptsMade - 1));
  const delay = raw * (1 - policy.jitter + 2 * policy.jitter * random());
  const at = now.getTime() + Math.round(delay);
  return at - windowStart.getTime() > policy.windowMs ? null : new Date(at);
}
