import { GroupedMatches, type MatchableRow } from './grouped-matches';

interface Row extends MatchableRow {
  _id: number;
}

/** A fake store: answers every query with the stored rows its filter names, in `_id` order, up to `limit`. */
function store(rows: Row[]) {
  const queries: Array<{ filter: Record<string, unknown>; limit: number }> = [];
  const matches = (row: Row, f: Record<string, unknown>) =>
    Object.entries(f).every(([k, v]) =>
      k === 'searchTokens' ? true : k === 'externalKey' ? `x:${row.externalId}` === v : (row as never)[k] === v,
    );
  const query = async (filter: Record<string, unknown>, limit: number) => {
    queries.push({ filter, limit });
    const branches = (filter.$or as Array<Record<string, unknown>> | undefined) ?? [filter];
    return rows.filter((r) => branches.some((b) => matches(r, b))).slice(0, limit);
  };
  return { queries, query };
}

describe(GroupedMatches.name, () => {
  const rows: Row[] = [
    ...Array.from({ length: 5 }, (_, i) => ({ _id: i, email: 'shared@x.test', deletedAt: null })),
    { _id: 10, email: 'one@x.test', externalId: 'e-1', deletedAt: null },
    { _id: 11, email: 'two@x.test', deletedAt: null },
  ];

  it('asks lookups of one turn, tenant and field in one query; each caller gets the rows of its own value', async () => {
    const { queries, query } = store(rows);
    const grouped = new GroupedMatches(query);
    const [one, two, none, upper] = await Promise.all([
      grouped.find('db-a', {}, 'email', 'one@x.test', 2),
      grouped.find('db-a', {}, 'email', 'two@x.test', 2),
      grouped.find('db-a', {}, 'email', 'none@x.test', 2),
      grouped.find('db-a', {}, 'email', ' ONE@x.test ', 2),
    ]);

    expect([one, two, none, upper].map((r) => r.map((x) => x._id))).toEqual([[10], [11], [], [10]]);
    expect(queries).toHaveLength(1);
    // One branch per distinct value (the upper-cased one is the same key), the shared limit per value.
    expect((queries[0].filter.$or as unknown[]).length).toBe(3);
    expect(queries[0].limit).toBe(6);
  });

  it('sends lookups made while a query is on its way together in the next one, never in the one on its way', async () => {
    const { query } = store(rows);
    const asked: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const grouped = new GroupedMatches<Row>(async (filter, limit) => {
      asked.push((filter.$or as unknown[] | undefined)?.length ?? 1);
      if (asked.length === 1) await gate;
      return query(filter, limit);
    });
    const first = grouped.find('db-a', {}, 'email', 'one@x.test', 2);
    await new Promise((r) => setImmediate(r));
    // The first query is on its way (held at the gate): these wait for it, and go together after it.
    const later = [
      grouped.find('db-a', {}, 'email', 'two@x.test', 2),
      grouped.find('db-a', {}, 'email', 'one@x.test', 2),
    ];
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([1]);
    release();
    const [one, two, oneAgain] = await Promise.all([first, ...later]);

    expect([one, two, oneAgain].map((r) => r.map((x) => x._id))).toEqual([[10], [11], [10]]);
    expect(asked).toEqual([1, 2]);
  });

  it('never lets lookups of two tenants, fields or scopes share a query', async () => {
    const { queries, query } = store(rows);
    const grouped = new GroupedMatches(query);
    await Promise.all([
      grouped.find('db-a', {}, 'email', 'one@x.test', 2),
      grouped.find('db-b', {}, 'email', 'one@x.test', 2),
      grouped.find('db-a', {}, 'externalId', 'e-1', 2),
      grouped.find('db-a', { companyId: 'c' }, 'email', 'one@x.test', 2),
    ]);
    expect(queries).toHaveLength(4);
  });

  it('asks a value again on its own when other values filled the shared limit', async () => {
    const { queries, query } = store(rows);
    const grouped = new GroupedMatches(query);
    const [shared, one] = await Promise.all([
      grouped.find('db-a', {}, 'email', 'shared@x.test', 2),
      grouped.find('db-a', {}, 'email', 'one@x.test', 2),
    ]);
    // The shared query returned rows 0-3 (all "shared"): "one" was crowded out and asked alone.
    expect(shared.map((r) => r._id)).toEqual([0, 1]);
    expect(one.map((r) => r._id)).toEqual([10]);
    expect(queries.map((q) => q.limit)).toEqual([4, 2]);
  });

  it('answers an empty value with nothing, without a query; a failed query fails every caller of it', async () => {
    const { queries, query } = store(rows);
    expect(await new GroupedMatches(query).find('db-a', {}, 'email', '   ', 2)).toEqual([]);
    expect(queries).toHaveLength(0);

    const failing = new GroupedMatches<Row>(() => Promise.reject(new Error('server gone')));
    const outcomes = await Promise.allSettled([
      failing.find('db-a', {}, 'email', 'one@x.test', 2),
      failing.find('db-a', {}, 'email', 'two@x.test', 2),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
