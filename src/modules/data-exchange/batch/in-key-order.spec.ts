import { inKeyOrder } from './in-key-order';

describe(inKeyOrder.name, () => {
  it('runs items of one key one after another in their order, every other lane alongside', async () => {
    const items = [
      { id: 1, key: 'a' },
      { id: 2, key: null },
      { id: 3, key: 'a' },
      { id: 4, key: 'b' },
      { id: 5, key: null },
      { id: 6, key: 'a' },
    ];
    const log: string[] = [];
    const finished: number[] = [];
    let running = 0;
    let widest = 0;
    await inKeyOrder(
      items,
      (i) => (i.key ? [i.key] : []),
      async (item) => {
        log.push(`start ${item.id}`);
        widest = Math.max(widest, ++running);
        // The first item of key a is slow: the later ones of that key must wait for it, the rest must not.
        await new Promise((r) => setTimeout(r, item.id === 1 ? 30 : 1));
        running--;
        finished.push(item.id);
        log.push(`end ${item.id}`);
      },
    );

    expect([...finished].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const of = (id: number) => finished.indexOf(id);
    expect(of(1)).toBeLessThan(of(3));
    expect(of(3)).toBeLessThan(of(6));
    expect(log.indexOf('start 3')).toBeGreaterThan(log.indexOf('end 1'));
    expect(log.indexOf('start 6')).toBeGreaterThan(log.indexOf('end 3'));
    // Items of other keys went on while key a's first item was still running.
    expect(of(2)).toBeLessThan(of(1));
    expect(of(4)).toBeLessThan(of(1));
    // Every lane started at once: key a's, key b's and the two keyless items.
    expect(widest).toBe(4);
  });

  it('runs items linked through another key in one lane, in their order', async () => {
    // 1 and 3 share nothing, but 2 shares a key with each: all three are one lane; 4 is on its own.
    const items = [
      { id: 1, keys: ['email:a'] },
      { id: 2, keys: ['externalId:x', 'email:a'] },
      { id: 3, keys: ['externalId:x'] },
      { id: 4, keys: ['email:b'] },
    ];
    const log: string[] = [];
    await inKeyOrder(
      items,
      (i) => i.keys,
      async (item) => {
        log.push(`start ${item.id}`);
        await new Promise((r) => setTimeout(r, item.id === 4 ? 1 : 10));
        log.push(`end ${item.id}`);
      },
    );

    const at = (entry: string) => log.indexOf(entry);
    expect(at('start 2')).toBeGreaterThan(at('end 1'));
    expect(at('start 3')).toBeGreaterThan(at('end 2'));
    expect(at('end 4')).toBeLessThan(at('end 1'));
  });

  it('does nothing for no items', async () => {
    const work = jest.fn();
    await inKeyOrder([], () => [], work);
    expect(work).not.toHaveBeenCalled();
  });
});
