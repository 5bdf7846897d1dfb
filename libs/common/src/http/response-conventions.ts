import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';

const CHARSET = /;\s*charset=[^;]*/i;
const NO_CACHE = /(?:^|,)\s*?no-cache\s*?(?:,|$)/;

/**
 * What every text answer of the API has always carried: its type says `charset=utf-8`; a body
 * without an ETag of its own (versioned resources set `"<version>"`) gets a weak one,
 * `W/"<length>-<sha1>"`; and a GET/HEAD whose `If-None-Match` names the ETag gets an empty 304.
 */
export function installResponseConventions(app: FastifyInstance): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    const type = reply.getHeader('content-type');
    if (typeof payload === 'string' && typeof type === 'string') {
      reply.header('content-type', `${type.replace(CHARSET, '')}; charset=utf-8`);
    }
    if (!reply.hasHeader('etag')) reply.header('etag', weakETag(payload));
    if (!isFresh(req, reply)) return done(null, payload);
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    done(null, '');
  });
}

export function weakETag(body: string | Buffer): string {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const hash = createHash('sha1').update(body).digest('base64').substring(0, 27);
  return `W/"${length.toString(16)}-${hash}"`;
}

function isFresh(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const status = reply.statusCode;
  if ((status < 200 || status >= 300) && status !== 304) return false;
  const noneMatch = req.headers['if-none-match'];
  if (!noneMatch) return false;
  const cacheControl = req.headers['cache-control'];
  if (cacheControl && NO_CACHE.test(cacheControl)) return false;
  // Responses here carry no Last-Modified, so a request that also asks If-Modified-Since is stale.
  if (req.headers['if-modified-since']) return false;
  if (noneMatch === '*') return true;
  const etag = String(reply.getHeader('etag'));
  return noneMatch
    .split(',')
    .map((m) => m.trim())
    .some((m) => m === etag || m === `W/${etag}` || `W/${m}` === etag);
}
