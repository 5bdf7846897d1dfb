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
