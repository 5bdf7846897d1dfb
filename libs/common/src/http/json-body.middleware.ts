import { Injectable, NestMiddleware } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/env';
import { DomainError, ErrorKind } from '../errors/domain-error';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * JSON body parsing as a Nest middleware rather than Express's own, so that a body over the
 * limit (413), broken JSON (400) or a non-JSON content type (415) reach the problem+json filter
 * like every other error.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: ReturnType<typeof json>;

  constructor(config: ConfigService<AppConfig, true>) {
    const limit = config.get('BODY_LIMIT', { infer: true });
    this.parse = json({
      limit,
      strict: true,
      type: (req) => JSON_TYPE.test(String(req.headers['content-type'] ?? '')),
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (WITH_BODY.has(req.method) && hasBody(req) && !JSON_TYPE.test(String(req.headers['content-type'] ?? ''))) {
      next(
        new DomainError(
          ErrorKind.UNSUPPORTED_MEDIA_TYPE,
          'request.unsupported_media_type',
          'Send the body as application/json.',
        ),
      );
      return;
    }
    this.parse(req, res, (err?: unknown) => {
      if (err !== undefined) return next(bodyError(err));
      next(req.body === undefined ? undefined : (unsafeShape(req.body) ?? undefined));
    });
  }
}

/** No request body of this API nests deeper than a few levels; validators recurse, so cap it. */
export const MAX_BODY_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rejects shapes no DTO can hold before anything walks them: nesting past MAX_BODY_DEPTH, and
 * keys that are operators (`$…`), paths (`a.b`) or prototype names. The whitelist would catch
 * most of them one level down, but not prototype names, and not before deep recursion.
 */
export function unsafeShape(body: unknown): DomainError | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: body, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      return badBody('request.body_too_deep', `The body nests deeper than ${MAX_BODY_DEPTH} levels.`, path);
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && (FORBIDDEN_KEYS.has(key) || key.startsWith('$') || key.includes('.'))) {
        return badBody('request.forbidden_key', `The key "${key.slice(0, 50)}" is not allowed.`, childPath);
      }
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
  return null;
}

function badBody(code: string, detail: string, path: string): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, code, detail, {}, [{ path: path.slice(0, 200), message: detail }]);
}

/** Maps body-parser's errors to domain errors before anything else can rewrap them. */
function bodyError(err: unknown): unknown {
  switch ((err as { type?: string }).type) {
    case 'entity.too.large':
      return new DomainError(
        ErrorKind.PAYLOAD_TOO_LARGE,
        'request.body_too_large',
        'The request body is larger than allowed.',
      );
    case 'entity.parse.failed':
      return new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_json', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError(
        ErrorKind.UNSUPPORTED_MEDIA_TYPE,
        'request.unsupported_encoding',
        'The body encoding is not supported.',
      );
    default:
      return new DomainError(ErrorKind.BAD_REQUEST, 'request.body_unreadable', 'The request body could not be read.');
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
