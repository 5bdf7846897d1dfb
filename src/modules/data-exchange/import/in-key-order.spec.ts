import { KeyedLock } from '@app/tenancy';
import { inKeyOrder } from './import.runner';

describe(inKeyOrder.name, () => {
  it('runs items of one key in their order, across calls sharing the lock, and the others alongside', async () => {
    const keys = new KeyedLock();
    const log: string[] = [];
    const work = async (item: { id: number; key: string | null }) => {
      log.push(`start ${item.id}`);
      // The first item of key a is slow: the later ones of that key must wait for it, the rest must not.
      await new Promise((r) => setTimeout(r, item.id === 1 ? 30 : 1));
      log.push(`end ${item.id}`);
    };
    // Two batches, the second started while the first is still running (as the import does).
    const first = inKeyOrder(
      [
        { id: 1, key: 'a' },
        { id: 2, key: null },
        { id: 3, key: 'a' },
        { id: 4, key: 'b' },
      ],
      (i) => i.key,
      keys,
      work,
    );
    const second = inKeyOrder(
      [
        { id: 5, key: 'a' },
        { id: 6, key: 'c' },
      ],
      (i) => i.key,
      keys,
      work,
    );
    await Promise.all([first, second]);

    const at = (entry: string) => log.indexOf(entry);
    expect(log.filter((e) => e.startsWith('end')).sort()).toEqual([
      'end 1',
      'end 2',
      'end 3',
      'end 4',
      'end 5',
      'end 6',
    ]);
    expect(at('start 3')).toBeGreaterThan(at('end 1'));
    expect(at('start 5')).toBeGreaterThan(at('end 3'));
    // Items of other keys (and of none) did not wait for key a's slow first item.
    for (const other of ['end 2', 'end 4', 'end 6']) expect(at(other)).toBeLessThan(at('end 1'));
    expect(keys.size).toBe(0);
  });
});
