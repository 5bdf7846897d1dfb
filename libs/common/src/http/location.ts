import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { tap } from 'rxjs/operators';

export const CREATES_RESOURCE_KEY = 'http:creates-resource';

/** A POST that creates a record at `<request path>/<id>`: its 201 carries `Location`. */
export const CreatesResource = () => SetMetadata(CREATES_RESOURCE_KEY, true);

/**
 * Sets `Location` on the 201 of a `@CreatesResource()` route. Registered globally, so it is the
 * outermost interceptor and also sees answers replayed for an Idempotency-Key.
 */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http' || !this.reflector.get<boolean>(CREATES_RESOURCE_KEY, ctx.getHandler())) {
      return next.handle();
    }
    const http = ctx.switchToHttp();
    return next.handle().pipe(
      tap((body: unknown) => {
        const res = http.getResponse<FastifyReply>();
        const id = (body as { id?: unknown } | null)?.id;
        if (res.statusCode !== 201 || typeof id !== 'string') return;
        const path = http.getRequest<FastifyRequest>().originalUrl.split('?')[0].replace(/\/+$/, '');
        res.header('Location', `${path}/${encodeURIComponent(id)}`);
      }),
    );
  }
}
