import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { MAX_STATEMENTS_PER_WRITE } from './bulk-write';

interface PendingInsert<T> {
  doc: OptionalUnlessRequiredId<T>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** What the driver's unordered insertMany reports when some documents were refused. */
interface BulkInsertError {
  writeErrors?: Array<{ index: number; code?: number; errmsg?: string }> | { index: number }[];
  insertedIds?: Record<number, unknown>;
  writeConcernError?: unknown;
}

/**
 * Inserts into one collection by concurrent callers, sent together: while one `insertMany` is on its
 * way, documents added meanwhile wait and go in the next (unordered, at most MAX_STATEMENTS_PER_WRITE
 * per command). A lone insert goes at once; under load one round trip stores many. Measured on
 * FerretDB's SQLite handler: concurrent single inserts contend for the database file (5-17 ms each
 * with 8-16 writers) where one insertMany stores them at 0.4-1 ms each.
 *
 * Each caller's promise settles with its own document's outcome, as its own `insertOne` would: it
 * resolves once the server acknowledged that document, or rejects with that document's error (a
 * duplicate key keeps its code) or, when the command failed as a whole, the command's error. A
 * document the server may or may not have stored (the command failed without saying) is rejected,
 * exactly as an `insertOne` whose answer was lost.
 */
export class GroupedInserts<T extends Document> {
  private queue: PendingInsert<T>[] = [];
  private running = false;

  /** `idle`: called whenever the queue has been emptied (the owner may forget this instance). */
  constructor(
    private readonly collection: Collection<T>,
    private readonly idle: () => void = () => undefined,
  ) {}

  add(doc: OptionalUnlessRequiredId<T>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.queue.push({ doc, resolve, reject }));
    if (!this.running) void this.flush();
    return done;
  }

  private async flush(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_STATEMENTS_PER_WRITE);
        try {
          await this.collection.insertMany(
            batch.map((p) => p.doc),
            { ordered: false },
          );
          for (const p of batch) p.resolve();
        } catch (err) {
          settlePartly(batch, err);
        }
      }
    } finally {
      this.running = false;
      this.idle();
    }
  }
}

/** After a failed insertMany: each document's own error, success only where the server confirmed it. */
function settlePartly<T>(batch: PendingInsert<T>[], err: unknown): void {
  const e = err as BulkInsertError;
  const writeErrors = Array.isArray(e?.writeErrors) ? e.writeErrors : null;
  if (!writeErrors || e.writeConcernError || !e.insertedIds) {
    for (const p of batch) p.reject(err);
    return;
  }
  const own = new Map<number, unknown>();
  for (const w of writeErrors as Array<{ index: number; code?: number; errmsg?: string }>) {
    own.set(w.index, Object.assign(new Error(w.errmsg ?? 'insert refused'), { code: w.code }));
  }
  batch.forEach((p, i) => {
    const refused = own.get(i);
    if (refused) p.reject(refused);
    else if (i in e.insertedIds!) p.resolve();
    else p.reject(err);
  });
}
