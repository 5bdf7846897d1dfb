import {
  DEFAULT_FACTOR,
  DEFAULT_JITTER,
  DEFAULT_MAX_DELAY_MS,
  nextAttemptAt,
  type RetryPolicy,
} from './retry-schedule';

const HOUR = 3_600_000;
const policy: RetryPolicy = {
  baseMs: 5_000,
  factor: DEFAULT_FACTOR,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
  windowMs: 24 * HOUR,
  jitter: DEFAULT_JITTER,
};

/** Every attempt time until the schedule gives up, with a fixed jitter draw. */
function schedule(random: number): number[] {
  const start = new Date(0);
  const times = [0];
  for (;;) {
    const next = nextAttemptAt(times.length, start, new Date(times.at(-1)!), policy, () => random);
    if (!next) return times;
    times.push(next.getTime());
  }
}

describe(nextAttemptAt.name, () => {
  it('waits 5 s, then four times longer each time, capped at 8 h, for about a day', () => {
    const times = schedule(0.5);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.slice(0, 7)).toEqual([5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000, 20_480_000]);
    expect(gaps.slice(7)).toEqual([8 * HOUR, 8 * HOUR].slice(0, gaps.length - 7));
    expect(times.at(-1)!).toBeLessThanOrEqual(24 * HOUR);
    expect(times.length).toBeGreaterThanOrEqual(9);
  });

  it('spreads each delay by ±20% at random', () => {
    expect(nextAttemptAt(1, new Date(0), new Date(0), policy, () => 0)?.getTime()).toBe(4_000);
    expect(nextAttemptAt(1, new Date(0), new Date(0), policy, () => 1)?.getTime()).toBe(6_000);
  });

  it('gives up when the next attempt would fall outside the window', () => {
    expect(nextAttemptAt(9, new Date(0), new Date(23 * HOUR), policy, () => 0.5)).toBeNull();
  });
});
