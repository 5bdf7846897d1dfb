import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe(KeyedLock.name, () => {
  it('runs work for one key strictly one at a time, in arrival order', async () => {
    const sut = new KeyedLock();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sut.run('k', async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect(maxRunning).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sut.size).toBe(0);
  });

  it('lets different keys run in parallel, and a failure does not block the next caller', async () => {
    const sut = new KeyedLock();
    let running = 0;
    let maxRunning = 0;
    const work = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick();
      running--;
    };
    await Promise.all([sut.run('a', work), sut.run('b', work)]);
    expect(maxRunning).toBe(2);
    await expect(sut.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('a', async () => 'next')).resolves.toBe('next');
    expect(sut.size).toBe(0);
  });
});
