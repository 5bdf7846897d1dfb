import type { IncomingMessage } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Aggregate, MongooseQueryMiddleware, Query, Schema } from 'mongoose';
import { CLS_REQ, ClsServiceManager } from 'nestjs-cls';
import { requestDeadlineOf } from '@app/common';

/**
 * Query operations that take `maxTimeMS` on MongoDB and FerretDB alike (FerretDB refuses it on
 * `distinct`, which nothing here uses). Inserts are left alone: a single-document insert never scans.
 */
const BOUNDED_QUERIES: MongooseQueryMiddleware[] = [
  'find',
  'findOne',
  'countDocuments',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
];

const unbounded = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with database work that must finish even after its request was answered (releasing a
 * record lease), or that outlives it on purpose (a cursor streamed to the client): its queries carry
 * no deadline. A cursor opened inside `fn` keeps that for its whole life.
 */
export function withoutDeadline<T>(fn: () => T): T {
  return unbounded.run(true, fn);
}

/**
 * Milliseconds the current request has left before its deadline answers it (at least 1, so that an
 * operation started after the deadline fails at once), or undefined outside a request.
 */
export function remainingRequestTime(now = Date.now()): number | undefined {
  if (unbounded.getStore()) return undefined;
  const cls = ClsServiceManager.getClsService();
  if (!cls.isActive()) return undefined;
  const req = cls.get<IncomingMessage | undefined>(CLS_REQ);
  const deadline = req ? requestDeadlineOf(req) : undefined;
  return deadline === undefined ? undefined : Math.max(1, deadline - now);
}

/**
 * A mongoose plugin: every query and aggregation made on behalf of a request carries the request's
 * remaining time as `maxTimeMS`, so the server stops work nobody waits for any more. Without it a
 * request answered 503 by the deadline left its scan running on the database (minutes at 200% CPU on
 * FerretDB's SQLite backend at 20,000 customers), slowing every other tenant. Work outside a request
 * (migrations, background tasks) is not bounded. An explicit smaller `maxTimeMS` is kept.
 */
export function queryDeadlinePlugin(schema: Schema): void {
  schema.pre(BOUNDED_QUERIES, function (this: Query<unknown, unknown>) {
    const left = remainingRequestTime();
    if (left === undefined) return;
    const own = this.getOptions().maxTimeMS;
    if (own === undefined || own > left) this.setOptions({ maxTimeMS: left });
  });
  schema.pre('aggregate', function (this: Aggregate<unknown>) {
    const left = remainingRequestTime();
    if (left === undefined) return;
    const own = this.options.maxTimeMS;
    if (own === undefined || own > left) this.option({ maxTimeMS: left });
  });
}
