import type { Collection, Document, Filter } from 'mongodb';

/**
 * Statements per write command. FerretDB 1.24 (SQLite handler) never answers an update or replace
 * command of 100 statements or more: measured here, 99 `updateOne`s in one `bulkWrite` took 114 ms and
 * 100 hung until the client gave up, as did 100 upserting `replaceOne`s. MongoDB has no such limit;
 * commands of at most this many statements behave the same on both.
 */
export const MAX_STATEMENTS_PER_WRITE = 50;

/**
 * Documents per insert command: the limit above is for updates and replaces only (an insert of 1,000
 * documents answers on FerretDB, in about half the time per document of inserts of 30). Kept well under
 * the 48 MB a MongoDB message may carry for documents of a few KB.
 */
export const MAX_DOCUMENTS_PER_INSERT = 1000;

/** Runs `write` (a `bulkWrite`) over `ops` in commands of at most MAX_STATEMENTS_PER_WRITE statements, in order. */
export async function inWriteChunks<O>(ops: readonly O[], write: (chunk: O[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ops.length; i += MAX_STATEMENTS_PER_WRITE) {
    await write(ops.slice(i, i + MAX_STATEMENTS_PER_WRITE));
  }
}

/**
 * Documents one delete command may remove. FerretDB 1.24's SQLite handler deletes the matched rows by
 * listing their ids in one SQL statement, which SQLite refuses beyond 32,766 variables ("too many SQL
 * variables"): a `deleteMany` matching more fails as a whole, e.g. clearing 100,000 scores.
 */
export const MAX_DELETES_PER_COMMAND = 10_000;

/**
 * `deleteMany(filter)` in commands of at most MAX_DELETES_PER_COMMAND documents, on every server; returns how
 * many were deleted. Not atomic, as `deleteMany` is not either.
 *
 * Each round reads the next matching ids in `_id` order and deletes the matches between the first and the last
 * of them: a range test per document. An `_id: { $in: ids }` list instead costs FerretDB a walk of the list for
 * every document it scans (measured: 10,000 ids against 33,000 documents, 16 s for one command; the range, 1.6 s).
 * Ids of mixed BSON types cannot bound a range (a comparison matches one type only): such a round lists them.
 */
export async function deleteAllMatching<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = (
      await collection
        .find(filter, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(MAX_DELETES_PER_COMMAND)
        .toArray()
    ).map((d) => d._id as unknown);
    if (!ids.length) return deleted;
    const first = ids[0];
    const last = ids[ids.length - 1];
    const these = sameBsonKind(first, last) ? { $gte: first, $lte: last } : { $in: ids };
    const res = await collection.deleteMany({ $and: [filter, { _id: these }] } as Filter<T>);
    deleted += res.deletedCount;
    if (ids.length < MAX_DELETES_PER_COMMAND) return deleted;
  }
}

/** Whether two `_id`s are of one BSON type (ObjectId, string, number...), so that a range between them holds both. */
function sameBsonKind(a: unknown, b: unknown): boolean {
  const kind = (v: unknown) =>
    v !== null && typeof v === 'object' ? ((v as { _bsontype?: string })._bsontype ?? 'object') : typeof v;
  return kind(a) === kind(b);
}
