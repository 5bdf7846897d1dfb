import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from '@app/common';
import { GroupedInserts, GroupedUpdates, MAX_DOCUMENTS_PER_INSERT, MAX_STATEMENTS_PER_WRITE } from '@app/tenancy';
import { newTenant, startTestApp, tenantDatabase, type TestApp } from './support/test-app';

interface Doc {
  _id: string;
  n: number;
  m?: object | string;
}

/** The real collection, with the statements of each call of `method` handed to `note` on the way. */
function noting<S>(collection: Collection<Doc>, method: 'insertMany' | 'bulkWrite', note: (statements: S) => void) {
  return new Proxy(collection, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method) return real;
      return (statements: S, opts: object) => {
        note(statements);
        return (real as (s: S, o: object) => Promise<unknown>).call(target, statements, opts);
      };
    },
  });
}

/** Grouped inserts on the real database: each caller learns its own document's fate, in few commands. */
describe(GroupedInserts.name, () => {
  let t: TestApp;
  let collection: Collection<Doc>;
  /** The documents of each insertMany the grouped inserts sent. */
  let commands: number[][];
  let counted: Collection<Doc>;

  beforeAll(async () => {
    t = await startTestApp();
    const tenant = await newTenant(t, 'grouped');
    collection = tenantDatabase(t, tenant.slug).collection<Doc>('grouped_inserts_test');
    counted = noting(collection, 'insertMany', (docs: Doc[]) => commands.push(docs.map((d) => d.n)));
  });
  beforeEach(async () => {
    commands = [];
    await collection.deleteMany({});
  });
  afterAll(() => t.close());

  it('stores inserts added in one turn in one command, each caller resolved once its document is stored', async () => {
    const grouped = new GroupedInserts(counted);
    const docs = Array.from({ length: 120 }, (_, n) => ({ _id: `doc-${n}`, n }));
    await Promise.all(docs.map((d) => grouped.add(d)));

    expect(await collection.countDocuments()).toBe(120);
    expect(commands).toEqual([docs.map((d) => d.n)]);
  });

  it('sends what is added while a command is on its way in the next one, never more than a command may hold', async () => {
    const grouped = new GroupedInserts(counted);
    const total = MAX_DOCUMENTS_PER_INSERT + 30;
    const docs = Array.from({ length: total }, (_, n) => ({ _id: `doc-${n}`, n }));
    const first = grouped.add(docs[0]);
    // Added on a later turn, while the first command is on its way.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, ...docs.slice(1).map((d) => grouped.add(d))]);

    expect(await collection.countDocuments()).toBe(total);
    expect(commands.map((c) => c.length)).toEqual([1, MAX_DOCUMENTS_PER_INSERT, 29]);
    expect(commands.flat()).toEqual(docs.map((d) => d.n));
  });

  it('rejects only the document refused for a duplicate key, with a duplicate-key error; the others are stored', async () => {
    await collection.insertOne({ _id: 'taken', n: -1 });
    const grouped = new GroupedInserts(counted);
    const outcomes = await Promise.allSettled([
      grouped.add({ _id: 'first', n: 0 }),
      grouped.add({ _id: 'a', n: 1 }),
      grouped.add({ _id: 'taken', n: 2 }),
      grouped.add({ _id: 'b', n: 3 }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isDuplicateKeyError((outcomes[2] as PromiseRejectedResult).reason)).toBe(true);
    // All four went in one command, in which one was refused and the others stored.
    expect(commands).toEqual([[0, 1, 2, 3]]);
    const stored = await collection.find({}).sort({ _id: 1 }).toArray();
    expect(stored.map((d) => [d._id, d.n])).toEqual([
      ['a', 1],
      ['b', 3],
      ['first', 0],
      ['taken', -1],
    ]);
  });

  it('rejects every document of a command that failed as a whole, and goes on with the next', async () => {
    let fail = true;
    const flaky = new Proxy(counted, {
      get(target, prop, receiver) {
        if (prop !== 'insertMany') return Reflect.get(target, prop, receiver) as unknown;
        return (docs: Doc[], opts: object) => {
          if (fail && docs.length > 1) {
            fail = false;
            return Promise.reject(new Error('connection lost'));
          }
          return target.insertMany(docs, opts);
        };
      },
    });
    let idle = 0;
    const grouped = new GroupedInserts(flaky, () => idle++);
    await grouped.add({ _id: 'x0', n: 0 });
    const lost = [grouped.add({ _id: 'x1', n: 1 }), grouped.add({ _id: 'x2', n: 2 })];
    const outcomes = await Promise.allSettled(lost);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'stored'))).toEqual([
      'connection lost',
      'connection lost',
    ]);
    await grouped.add({ _id: 'x3', n: 3 });
    expect((await collection.find({}).toArray()).map((d) => d._id).sort()).toEqual(['x0', 'x3']);
    // The owner hears each time the queue ran dry (the lone first, the failed pair, the lone last).
    expect(idle).toBe(3);
  });

  describe(GroupedUpdates.name, () => {
    /** The statements of each bulkWrite the grouped updates sent (the id each one updates). */
    let updates: string[][];
    let countedUpdates: Collection<Doc>;

    beforeAll(() => {
      countedUpdates = noting(collection, 'bulkWrite', (ops: Array<{ updateOne: { filter: { _id: string } } }>) =>
        updates.push(ops.map((o) => o.updateOne.filter._id)),
      );
    });
    beforeEach(() => {
      updates = [];
    });

    it('applies concurrent updates in commands of at most MAX_STATEMENTS_PER_WRITE, each caller resolved once its own landed', async () => {
      const docs = Array.from({ length: 60 }, (_, n) => ({ _id: `u-${n}`, n }));
      await collection.insertMany(docs);
      const grouped = new GroupedUpdates(countedUpdates);
      // Two raises per document, in either order: $max keeps the larger whichever lands first.
      await Promise.all(
        docs.flatMap((d) => [
          grouped.add({ updateOne: { filter: { _id: d._id }, update: { $max: { n: 1000 + d.n } } } }),
          grouped.add({ updateOne: { filter: { _id: d._id }, update: { $max: { n: 500 } } } }),
        ]),
      );

      const stored = await collection.find({}).sort({ n: 1 }).toArray();
      expect(stored.map((d) => d.n)).toEqual(docs.map((d) => 1000 + d.n));
      // Added in one turn: full commands, the rest in the last (FerretDB never answers one of 100).
      expect(updates.map((c) => c.length)).toEqual([MAX_STATEMENTS_PER_WRITE, MAX_STATEMENTS_PER_WRITE, 20]);
    });

    it('gives the statement the server refused its own error; the others of its command are applied', async () => {
      await collection.insertMany([
        { _id: 'first', n: 0, m: {} },
        { _id: 'a', n: 1, m: {} },
        // No field can be set inside a string: the server refuses that one statement.
        { _id: 'text', n: 2, m: 'not an object' },
        { _id: 'b', n: 3, m: {} },
      ]);
      const grouped = new GroupedUpdates(countedUpdates);
      const outcomes = await Promise.allSettled(
        ['first', 'a', 'text', 'b'].map((_id) =>
          grouped.add({ updateOne: { filter: { _id }, update: { $set: { 'm.seen': true } } } }),
        ),
      );

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      // The four went together; the command failed, so each went again alone.
      expect(updates).toEqual([['first', 'a', 'text', 'b'], ['first'], ['a'], ['text'], ['b']]);
      const stored = await collection.find({}).sort({ _id: 1 }).toArray();
      expect(stored.map((d) => [d._id, d.m])).toEqual([
        ['a', { seen: true }],
        ['b', { seen: true }],
        ['first', { seen: true }],
        ['text', 'not an object'],
      ]);
    });
  });
});
