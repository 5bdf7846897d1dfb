import type { AnyBulkWriteOperation, Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { MAX_DOCUMENTS_PER_INSERT, MAX_STATEMENTS_PER_WRITE } from './bulk-write';

interface Pending<S> {
  statement: S;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** What the driver's unordered insertMany or bulkWrite reports when some statements were refused. */
interface BulkError {
  writeErrors?: Array<{ index: number; code?: number; errmsg?: string }> | { index: number }[];
  insertedIds?: Record<number, unknown>;
  writeConcernError?: unknown;
}

/**
 * Statements of concurrent callers for one collection, sent together: while one command is on its
 * way, statements added meanwhile wait and go in the next (unordered, at most `perCommand` per
 * command). The first command leaves once the event loop has run what was ready (setImmediate), so
 * statements added in the same turn (an import batch's rows, released together by the read they all
 * waited for) share it: sent at once, the first row went alone and the rest trickled after it in
 * commands of a few dozen, which FerretDB stores at about twice the cost per document of one command
 * of hundreds. A lone statement waits for nothing else; under load one round trip carries many. Each caller's
 * promise settles with its own statement's outcome, as its own single command would: resolved once
 * the server acknowledged it, rejected with that statement's error (a duplicate key keeps its code)
 * or, when the command failed as a whole, the command's error.
 */
abstract class GroupedWrites<S> {
  private queue: Pending<S>[] = [];
  private running = false;

  /**
   * `perCommand`: the most statements one command carries; `idle`: called whenever the queue has been
   * emptied (the owner may forget this instance).
   */
  constructor(
    private readonly perCommand: number,
    private readonly idle: () => void,
  ) {}

  protected enqueue(statement: S): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.queue.push({ statement, resolve, reject }));
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.flush());
    }
    return done;
  }

  /** Sends one command. */
  protected abstract send(statements: S[]): Promise<unknown>;
  /** After a failed command: settles every statement's caller. */
  protected abstract settleFailed(batch: Pending<S>[], err: unknown): Promise<void> | void;

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.perCommand);
        try {
          await this.send(batch.map((p) => p.statement));
          for (const p of batch) p.resolve();
        } catch (err) {
          await this.settleFailed(batch, err);
        }
      }
    } finally {
      this.running = false;
      this.idle();
    }
  }
}

/**
 * Inserts into one collection by concurrent callers, sent together in one `insertMany` (see
 * GroupedWrites). Measured on FerretDB's SQLite handler: concurrent single inserts contend for the
 * database file (5-17 ms each with 8-16 writers) where one insertMany stores them at 0.4-1 ms each. A
 * document the server may or may not have stored (the command failed without saying) is rejected,
 * exactly as an `insertOne` whose answer was lost.
 */
export class GroupedInserts<T extends Document> extends GroupedWrites<OptionalUnlessRequiredId<T>> {
  constructor(
    private readonly collection: Collection<T>,
    idle: () => void = () => undefined,
  ) {
    super(MAX_DOCUMENTS_PER_INSERT, idle);
  }

  add(doc: OptionalUnlessRequiredId<T>): Promise<void> {
    return this.enqueue(doc);
  }

  protected send(docs: OptionalUnlessRequiredId<T>[]): Promise<unknown> {
    return this.collection.insertMany(docs, { ordered: false });
  }

  /** After a failed command: each statement's own error, success only where the server confirmed it. */
  protected settleFailed(batch: Pending<OptionalUnlessRequiredId<T>>[], err: unknown): void {
    const e = err as BulkError;
    const writeErrors = Array.isArray(e?.writeErrors) ? e.writeErrors : null;
    if (!writeErrors || e.writeConcernError) {
      for (const p of batch) p.reject(err);
      return;
    }
    const own = new Map<number, unknown>();
    for (const w of writeErrors as Array<{ index: number; code?: number; errmsg?: string }>) {
      own.set(w.index, Object.assign(new Error(w.errmsg ?? 'write refused'), { code: w.code }));
    }
    batch.forEach((p, i) => {
      const refused = own.get(i);
      if (refused) p.reject(refused);
      else if (e.insertedIds && i in e.insertedIds) p.resolve();
      else p.reject(err);
    });
  }
}

/**
 * Single-document updates of concurrent callers, sent together in one unordered `bulkWrite` (see
 * GroupedWrites). Only for **idempotent** updates whose callers need no matched count and whose order
 * among themselves does not matter (`$max`, `$set` of a value): when the command fails, each of its
 * statements is sent again alone and its caller gets that outcome. Sent again because FerretDB 1.24
 * cannot say which landed: its unordered update stops at the first refused statement and reports it at
 * index 0 (measured: [a, refused, b] applies a, reports index 0, leaves b), unlike MongoDB.
 */
export class GroupedUpdates<T extends Document> extends GroupedWrites<AnyBulkWriteOperation<T>> {
  constructor(
    private readonly collection: Collection<T>,
    idle: () => void = () => undefined,
  ) {
    super(MAX_STATEMENTS_PER_WRITE, idle);
  }

  add(update: Extract<AnyBulkWriteOperation<T>, { updateOne: unknown }>): Promise<void> {
    return this.enqueue(update);
  }

  protected send(updates: AnyBulkWriteOperation<T>[]): Promise<unknown> {
    return this.collection.bulkWrite(updates, { ordered: false });
  }

  protected async settleFailed(batch: Pending<AnyBulkWriteOperation<T>>[]): Promise<void> {
    for (const p of batch) {
      await this.collection.bulkWrite([p.statement], { ordered: false }).then(
        () => p.resolve(),
        (err: unknown) => p.reject(err),
      );
    }
  }
}

/**
 * The group of `key` (a tenant database, usually) in `groups`, made on first use and forgotten once
 * its queue is empty, so a process serving many tenants keeps groups only for those writing now.
 */
export function groupFor<G>(groups: Map<string, G>, key: string, make: (idle: () => void) => G): G {
  let group = groups.get(key);
  if (!group) {
    group = make(() => groups.delete(key));
    groups.set(key, group);
  }
  return group;
}
