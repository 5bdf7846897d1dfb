import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';

describe(FixedWindowMemoryStorage.name, () => {
  const TTL = 10_000;
  let clock: number;
  let sut: FixedWindowMemoryStorage;
  beforeEach(() => {
    clock = 1_000_000;
    sut = new FixedWindowMemoryStorage(() => clock);
  });
  const hit = (key = 'tenant:a', limit = 3, blockDuration = TTL, name = 'tenant') =>
    sut.increment(key, TTL, limit, blockDuration, name);

  it('counts hits in one fixed window and says when it resets', async () => {
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
    clock += 4_200;
    expect(await hit()).toEqual({ totalHits: 2, timeToExpire: 6, isBlocked: false, timeToBlockExpire: 0 });
    clock += 5_800;
    // The window that started at the first hit is over: counting starts again.
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blocks past the limit for blockDuration, then starts a fresh window', async () => {
    for (let i = 0; i < 3; i++) expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 10 });
    clock += 9_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    clock += 1_000;
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('keeps keys and throttler names apart', async () => {
    for (let i = 0; i < 4; i++) await hit('tenant:a');
    expect((await hit('tenant:b')).totalHits).toBe(1);
    expect((await hit('tenant:a', 3, TTL, 'user')).totalHits).toBe(1);
    expect((await hit('tenant:a')).isBlocked).toBe(true);
  });

  it('counts a budget of a million in one counter per key', async () => {
    for (let i = 0; i < 10_000; i++) await hit('tenant:a', 1_000_000);
    expect(await hit('tenant:a', 1_000_000)).toMatchObject({ totalHits: 10_001, isBlocked: false });
    expect(sut.size).toBe(1);
  });

  it('forgets counters whose window and block are over', async () => {
    await hit('tenant:a');
    await hit('tenant:b');
    expect(sut.size).toBe(2);
    clock += TTL;
    await hit('tenant:c');
    expect(sut.size).toBe(1);
  });
});
