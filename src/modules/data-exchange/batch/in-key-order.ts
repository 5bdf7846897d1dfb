/**
 * Runs `work` over `items` all at once, except that items sharing a key (directly, or through other
 * items: a links b by one key, b links c by another) run one after another in their order. An item
 * without keys shares nothing. Settles when every item has.
 */
export async function inKeyOrder<T>(
  items: readonly T[],
  keysOf: (item: T) => readonly string[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of keysOf(item)) {
      const first = owner.get(key);
      if (first === undefined) owner.set(key, i);
      else parent[root(i)] = root(first);
    }
  });
  const lanes = new Map<number, T[]>();
  items.forEach((item, i) => {
    const lane = lanes.get(root(i));
    if (lane) lane.push(item);
    else lanes.set(root(i), [item]);
  });
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const item of lane) await work(item);
    }),
  );
}
