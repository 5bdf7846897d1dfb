import { inKeyOrder } from './import.runner';

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
      (i) => i.key,
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

  it('does nothing for no items', async () => {
    const work = jest.fn();
    await inKeyOrder([], () => null, work);
    expect(work).not.toHaveBeenCalled();
  });
});
