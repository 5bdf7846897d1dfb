import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DomainError, ErrorKind } from '../errors/domain-error';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * The API's only body parser, as a Fastify content-type parser: JSON (`application/json` and
 * `application/*+json`) up to `limitBytes` after decompression (gzip, deflate, br), objects and
 * arrays only; any other content type on POST/PUT/PATCH is a 415. Every refusal is a
 * DomainError, so that a body over the limit (413), broken JSON (400) or a wrong content type
 * (415) reach the problem+json filter like every other error. A refused body is read to its end
 * before the answer, so the client sees the problem rather than a reset connection.
 */
export function registerJsonBodyParser(app: FastifyInstance, limitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPE, (req: FastifyRequest, payload: IncomingMessage) =>
    parseJson(req.raw, payload, limitBytes),
  );
  app.addContentTypeParser('*', async (req: FastifyRequest, payload: IncomingMessage) => {
    if (!WITH_BODY.has(req.method) || !hasBody(req.raw)) return undefined;
    await drain(payload);
    throw new DomainError(
      ErrorKind.UNSUPPORTED_MEDIA_TYPE,
      'request.unsupported_media_type',
      'Send the body as application/json.',
    );
  });
}

async function parseJson(req: IncomingMessage, payload: Readable, limit: number): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  let text: string;
  try {
    text = await readText(req, payload, limit);
  } catch (err) {
    await drain(payload);
    throw err;
  }
  if (text.length === 0) return {};
  let body: unknown;
  try {
    // Strict, as before: a body is an object or an array, never a bare value.
    if (!/^[\s]*[{[]/.test(text)) throw new SyntaxError('not an object or array');
    body = JSON.parse(text);
  } catch {
    throw new DomainError(ErrorKind.BAD_REQUEST, 'request.invalid_json', 'The request body is not valid JSON.');
  }
  const unsafe = unsafeShape(body);
  if (unsafe) throw unsafe;
  return body;
}

/** The body as text, decompressed and decoded, refused as soon as it passes `limit` bytes. */
async function readText(req: IncomingMessage, payload: Readable, limit: number): Promise<string> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const length = Number(req.headers['content-length']);
  if (encoding === 'identity' && length > limit) throw tooLarge();
  const decoder = textDecoder(String(req.headers['content-type'] ?? ''));
  const inflate = decompressor(encoding);
  const source: Readable = inflate ? payload.pipe(inflate) : payload;
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (err: DomainError | null): void => {
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (inflate) {
        payload.unpipe(inflate);
        inflate.destroy();
      }
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) settle(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = (): void =>
      settle(encoding === 'identity' && !Number.isNaN(length) && received !== length ? unreadable() : null);
    const onError = (): void => settle(unreadable());
    // A client that goes away mid-body: the stream closes without an end.
    const onClose = (): void => settle(unreadable());
    source.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
  return decoder.decode(body);
}

/** The stream that inflates a body of this Content-Encoding; none for `identity`. */
function decompressor(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'identity':
      return undefined;
    case 'gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new DomainError(
        ErrorKind.UNSUPPORTED_MEDIA_TYPE,
        'request.unsupported_encoding',
        'The body encoding is not supported.',
      );
  }
}

function textDecoder(contentType: string): TextDecoder {
  const charset = (CHARSET.exec(contentType)?.[1] ?? 'utf-8').toLowerCase();
  try {
    if (!charset.startsWith('utf-')) throw new RangeError(charset);
    return new TextDecoder(charset);
  } catch {
    throw new DomainError(
      ErrorKind.UNSUPPORTED_MEDIA_TYPE,
      'request.unsupported_encoding',
      'The body encoding is not supported.',
    );
  }
}

/** Reads off the rest of a refused body; a client that goes away meanwhile ends it too. */
function drain(payload: Readable): Promise<void> {
  if (payload.readableEnded || payload.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    payload.once('end', resolve);
    payload.once('close', resolve);
    payload.once('error', () => resolve());
    payload.resume();
  });
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function tooLarge(): DomainError {
  return new DomainError(
    ErrorKind.PAYLOAD_TOO_LARGE,
    'request.body_too_large',
    'The request body is larger than allowed.',
  );
}

function unreadable(): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, 'request.body_unreadable', 'The request body could not be read.');
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

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `BODY_LIMIT` (`100kb`, `1mb`, `512b`; already validated) in bytes. */
export function bodyLimitBytes(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/i.exec(limit.trim()) ?? [];
  if (amount === undefined) throw new Error(`BODY_LIMIT ${limit} is not a size like 100kb`);
  return Number(amount) * UNITS[unit.toLowerCase()];
}
