import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { titleOf } from '../errors/http-status';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemType } from './problem';
import { sendProblem } from './problem-details.filter';

/** Longest request target (path and query) answered; longer gets 414. */
export const MAX_URL_BYTES = 8 * 1024;
/** Most header bytes answered (Node's own default limit); more gets 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/**
 * What Node's HTTP parser reads of a request line and headers before it gives up (`maxHeaderSize`).
 * Above the limits above, so that those are answered by the app with a proper problem body and the
 * right status; a request beyond even this gets a 431 from the client-error handler below.
 */
export const PARSER_HEADER_LIMIT = 64 * 1024;

/**
 * 414 for a request target over MAX_URL_BYTES, 431 for headers over MAX_HEADER_BYTES, as problem+json
 * like every other refusal. The first hook, so nothing else (tenant lookup included) runs for them.
 * The problem's `instance` is the path alone: the query may be what was too long (or personal data).
 */
export function installRequestSizeLimits(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const url = req.raw.url ?? '';
    const instance = url.split('?')[0].slice(0, 200);
    if (Buffer.byteLength(url) > MAX_URL_BYTES) {
      return sendProblem(req, reply, {
        status: 414,
        code: 'request.uri_too_long',
        detail: `The request target is longer than ${MAX_URL_BYTES} bytes; send large filters in a body.`,
        instance,
      });
    }
    if (headerBytes(req.raw.rawHeaders) > MAX_HEADER_BYTES) {
      return sendProblem(req, reply, {
        status: 431,
        code: 'request.headers_too_large',
        detail: `The request headers are larger than ${MAX_HEADER_BYTES} bytes.`,
        instance,
      });
    }
    done();
  });
}

function headerBytes(raw: readonly string[]): number {
  let n = 0;
  // name: value\r\n per pair
  for (let i = 0; i < raw.length; i += 2) n += Buffer.byteLength(raw[i]) + Buffer.byteLength(raw[i + 1] ?? '') + 4;
  return n;
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'request.headers_too_large',
    detail: `The request line and headers are larger than ${PARSER_HEADER_LIMIT} bytes.`,
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    code: 'request.body_too_large',
    detail: 'The chunk extensions of the body are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request.timeout',
    detail: 'The request was not received in time.',
  },
};

const MALFORMED = { status: 400, code: 'request.malformed', detail: 'The request is not valid HTTP/1.1.' };

/**
 * Node's answer to a request its parser refuses (no route, no Fastify request exists): a complete
 * problem+json response, then the connection closes. A socket that already sent something, or is
 * gone, is just closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || socket.bytesWritten > 0 || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const { status, code, detail } = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
  const problem: ProblemDetails = {
    type: problemType(code),
    title: titleOf(status),
    status,
    detail,
    instance: '',
    requestId: randomUUID(),
    code,
  };
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  // end() flushes before closing; a peer that never reads must not keep the socket forever.
  setTimeout(() => socket.destroy(), 5_000).unref();
}
