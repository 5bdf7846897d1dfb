import type { Collection } from 'mongodb';
import { deleteAllMatching } from '@app/tenancy';
import { newTenant, startTestApp, tenantDatabase, type TestApp } from './support/test-app';

// 33,000 documents inserted and deleted on a loaded machine.
jest.setTimeout(180_000);

interface Doc {
  _id: number | string;
  keep: boolean;
}

/**
 * More matches than one delete command may remove on FerretDB's SQLite handler (it lists the matched ids in
 * one SQL statement, and SQLite takes at most 32,766 variables): the housekeeping deletes go in chunks.
 */
describe('deleteAllMatching', () => {
  let t: TestApp;
  let collection: Collection<Doc>;

  beforeAll(async () => {
    t = await startTestApp();
    const tenant = await newTenant(t, 'delall');
    collection = tenantDatabase(t, tenant.slug).collection<Doc>('delete_all_test');
  });
  afterAll(() => t.close());

  it('deletes every match past the 32,766 a single command can remove, and nothing else', async () => {
    const matching = 32_800;
    // The kept documents sit among the matches: a round's id range holds some of them, and must spare them.
    const docs = Array.from({ length: matching + 50 }, (_, i) => ({ _id: i, keep: i % 657 === 0 }));
    for (let i = 0; i < docs.length; i += 5000) await collection.insertMany(docs.slice(i, i + 5000));

    expect(await deleteAllMatching(collection, { keep: false })).toBe(matching);
    expect(await collection.countDocuments({ keep: false })).toBe(0);
    expect(await collection.countDocuments({ keep: true })).toBe(50);
    expect(await deleteAllMatching(collection, { keep: false })).toBe(0);
  });

  it('deletes matches whose ids are of different types, which no single range can hold', async () => {
    await collection.deleteMany({});
    await collection.insertMany([
      { _id: 1, keep: false },
      { _id: 2, keep: true },
      { _id: 'a', keep: false },
      { _id: 'b', keep: true },
    ]);

    expect(await deleteAllMatching(collection, { keep: false })).toBe(2);
    expect((await collection.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([2, 'b']);
  });
});
