import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, FieldError } from '../errors/domain-error';
import { isDuplicateKeyError } from '../errors/duplicate-key';
import { statusOf, titleOf } from '../errors/http-status';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';
import { requestIdOf } from './request-id';

export interface Classified {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The problem's `instance`; default: the request's URL. */
  instance?: string;
}

/** MongoDB's MaxTimeMSExpired: an operation stopped at its maxTimeMS. */
const MAX_TIME_EXPIRED = 50;

const DB_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
]);

/**
 * Socket errors the driver can let through unwrapped: a command written just as the server dies
 * fails with Node's own EPIPE ("This socket has been ended by the other party"), not a Mongo error.
 */
const NETWORK_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Writes every 4xx/5xx of the HTTP API as application/problem+json. Anything it does not
 * recognise is a 500 whose body says nothing about the cause; the cause is logged with the
 * request id instead.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const c = classify(exception);
    if (c.status >= 500) {
      this.logger.error(
        { err: exception, requestId: requestIdOf(req.raw), status: c.status },
        exception instanceof Error ? exception.message : 'non-error thrown',
      );
    }
    sendProblem(req, ctx.getResponse<FastifyReply>(), c);
  }
}

/** Answers `req` with the problem `c`, unless an answer went out already (e.g. the deadline's). */
export function sendProblem(req: FastifyRequest, res: FastifyReply, c: Classified): void {
  if (res.sent) return;
  const body = problemBody(c, c.instance ?? req.originalUrl, requestIdOf(req.raw));
  for (const [k, v] of Object.entries(c.headers ?? {})) res.header(k, v);
  void res.code(c.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The problem+json body of `c` (also for the per-item results of a batch). */
export function problemBody(c: Classified, instance: string, requestId: string): ProblemDetails {
  return {
    type: problemType(c.code),
    title: titleOf(c.status),
    status: c.status,
    detail: c.detail,
    instance,
    requestId,
    code: c.code,
    ...(c.extra ?? {}),
    ...(c.errors ? { errors: c.errors } : {}),
  };
}

export function classify(exception: unknown): Classified {
  if (exception instanceof DomainError) {
    return {
      status: statusOf(exception.kind),
      code: exception.code,
      detail: exception.detail,
      errors: exception.errors,
      extra: exception.extra,
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  const e = exception as { name?: string; code?: number | string; message?: unknown };
  if (e && typeof e === 'object') {
    if (e.name === 'CastError' || e.name === 'BSONError' || e.name === 'StrictModeError') {
      return { status: 400, code: 'request.invalid_value', detail: 'A value in the request has the wrong type.' };
    }
    if (e.name === 'ValidationError') {
      return { status: 400, code: 'request.invalid_value', detail: 'A value in the request is not valid.' };
    }
    if (isDuplicateKeyError(e)) {
      return { status: 409, code: 'conflict.duplicate', detail: 'A record with the same unique value already exists.' };
    }
    if (e.code === MAX_TIME_EXPIRED) {
      // The query ran out of the request's time (its maxTimeMS) just before the deadline answered.
      return {
        status: 503,
        code: 'request.timeout',
        detail: 'The request took longer than allowed.',
        headers: { 'Retry-After': '5' },
      };
    }
    if (e.name === 'MongoServerError' && typeof e.message === 'string' && e.message.includes('(SQLITE_BUSY)')) {
      // FerretDB's SQLite backend gave up waiting for the database file's write lock: the store is
      // overloaded for a moment, nothing was written by this command.
      return {
        status: 503,
        code: 'database.busy',
        detail: 'The database is busy. Retry shortly.',
        headers: { 'Retry-After': '2' },
      };
    }
    if ((e.name && DB_UNAVAILABLE.has(e.name)) || (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code))) {
      return {
        status: 503,
        code: 'database.unavailable',
        detail: 'The database is not reachable right now. Retry shortly.',
        headers: { 'Retry-After': '5' },
      };
    }
  }
  return {
    status: 500,
    code: 'internal',
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
  };
}

function fromHttpException(exception: HttpException): Classified {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : undefined;
  const message = body.message;
  const detail =
    typeof body.detail === 'string'
      ? body.detail
      : typeof message === 'string'
        ? message
        : typeof response === 'string'
          ? response
          : exception.message;
  const code = typeof body.code === 'string' ? body.code : defaultCode(status);
  const headers: Record<string, string> = {};
  if (status === HttpStatus.TOO_MANY_REQUESTS && typeof body.retryAfter === 'number') {
    headers['Retry-After'] = String(body.retryAfter);
  }
  return { status, code, detail: status >= 500 ? 'An unexpected error occurred.' : detail, errors, headers };
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'request.invalid';
    case 401:
      return 'auth.unauthenticated';
    case 403:
      return 'auth.forbidden';
    case 404:
      return 'route.not_found';
    case 405:
      return 'route.method_not_allowed';
    case 413:
      return 'request.body_too_large';
    case 429:
      return 'rate_limit.exceeded';
    default:
      return status >= 500 ? 'internal' : 'request.rejected';
  }
}
