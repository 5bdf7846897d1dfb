import type { Collection, Document, Filter } from 'mongodb';

/**
 * Statements per write command. FerretDB 1.24 (SQLite handler) never answers an update or replace
 * command of 100 statements or more: measured here, 99 `updateOne`s in one `bulkWrite` took 114 ms and
 * 100 hung until the client gave up, as did 100 upserting `replaceOne`s. MongoDB has no such limit;
 * commands of at most this many statements behave the same on both.
 */
export const MAX_STATEMENTS_PER_WRITE = 50;

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
 * `deleteMany(filter)` in commands of at most MAX_DELETES_PER_COMMAND documents (their ids read first),
 * on every server; returns how many were deleted. Not atomic, as `deleteMany` is not either.
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
        .limit(MAX_DELETES_PER_COMMAND)
        .toArray()
    ).map((d) => d._id);
    if (!ids.length) return deleted;
    const res = await collection.deleteMany({ $and: [filter, { _id: { $in: ids } }] } as Filter<T>);
    deleted += res.deletedCount;
    if (ids.length < MAX_DELETES_PER_COMMAND) return deleted;
  }
}
