import { CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { tap } from 'rxjs/operators';
import { DomainError, ErrorKind } from '../errors/domain-error';

const IF_MATCH = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/;

/** Parses `If-Match: "3"` (or `W/"3"`, `3`) into a version; absent → undefined; anything else → 400. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = IF_MATCH.exec(value ?? '');
  if (!match) {
    throw new DomainError(
      ErrorKind.BAD_REQUEST,
      'request.invalid_if_match',
      'If-Match must be an ETag this API sent ("<version>").',
      {},
      [{ path: 'If-Match', message: 'must be "<version>"' }],
    );
  }
  return Number(match[1]);
}

/** Documents the If-Match header on the route of the parameter that reads it. */
const documentIfMatch: ParameterDecorator = (target, key) => {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor) return;
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag ("<version>") of the record as you read it; a stale one gets 412 and nothing is written',
    schema: { type: 'string', pattern: IF_MATCH.source, maxLength: 100, example: '"3"' },
  })(target, key, descriptor);
};

/** The version a client expects, from If-Match (undefined when it sent none). */
export const IfMatchVersion = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) =>
    parseIfMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
  [documentIfMatch],
);

/** Sends `ETag: "<version>"` for every response body that carries a numeric version. */
@Injectable()
export class VersionETagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') ctx.switchToHttp().getResponse<FastifyReply>().header('ETag', `"${version}"`);
      }),
    );
  }
}
