import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

type WithId = IncomingMessage & { id?: unknown };

/**
 * The request's id: a well-formed `X-Request-Id` from the caller (so traces join up across
 * services), otherwise a fresh UUID. Stored on the request so the logger, the context and the
 * error filter all see the same value whichever of them asks first.
 */
export function requestIdOf(req: IncomingMessage): string {
  const r = req as WithId;
  if (typeof r.id === 'string') return r.id;
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && CLIENT_ID.test(header) ? header : randomUUID();
  r.id = id;
  return id;
}
