import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { canonical } from '@app/common';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';
import { IdempotencyStore } from './idempotency.store';
import { IDEMPOTENCY_NOT_STORED } from './idempotency-metadata';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

type AuthedRequest = FastifyRequest & { userId?: string };

/**
 * `Idempotency-Key` for POST routes: the first request with a key runs and its status and body
 * are kept for 24 h; a retry with the same key and body gets them back without running again
 * (header `Idempotent-Replayed: true`); the same key with another body or route is a 422.
 * Keys are per principal. Requests without the header are untouched.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<FastifyReply>();
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new IdempotencyError(
        IdempotencyErrorCode.INVALID_KEY,
        'Idempotency-Key must be 1-255 visible ASCII characters.',
      );
    }
    const started = await this.store.begin({
      principal: req.userId ?? 'anonymous',
      key,
      route: `${req.method} ${req.originalUrl}`,
      bodyHash: createHash('sha256')
        .update(canonical(req.body ?? null))
        .digest('hex'),
    });
    if (started.kind === 'replay') {
      res.code(started.status).header('Idempotent-Replayed', 'true');
      return of(started.body);
    }
    return next.handle().pipe(
      // Nest sets the route's status before interceptors run, so statusCode is final here.
      mergeMap((body) =>
        from(this.store.complete(started.id, res.statusCode, this.storable(ctx, body)).then(() => body)),
      ),
      catchError((err: unknown) =>
        from(
          this.store.abandon(started.id).then(() => {
            throw err;
          }),
        ),
      ),
    );
  }

  private storable(ctx: ExecutionContext, body: unknown): unknown {
    const secret = this.reflector.get<readonly string[] | undefined>(IDEMPOTENCY_NOT_STORED, ctx.getHandler()) ?? [];
    if (!secret.length || typeof body !== 'object' || body === null) return body;
    const kept: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    for (const field of secret) delete kept[field];
    return kept;
  }
}
