import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { sendProblem } from './problem-details.filter';

const DEADLINE = Symbol('request-deadline');

/** When the request `req` will have been answered with a 503 at the latest (epoch ms); undefined outside requests. */
export function requestDeadlineOf(req: IncomingMessage): number | undefined {
  return (req as IncomingMessage & { [DEADLINE]?: number })[DEADLINE];
}

/**
 * `ms` from the moment a request arrives, guards included (the tenant lookup of the AuthGuard
 * can wait on the database too, and interceptors start only after guards): a request still
 * unanswered then gets a 503 problem body, so clients never wait on a slow or hung database.
 * Work still running finds the response already sent and is discarded; the database stops too,
 * since every query carries the time left (`requestDeadlineOf`, the tenancy's query deadline plugin).
 */
export function installRequestDeadline(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', (req, reply, done) => {
    (req.raw as IncomingMessage & { [DEADLINE]?: number })[DEADLINE] = Date.now() + ms;
    const timer = setTimeout(() => {
      if (reply.raw.headersSent) return;
      sendProblem(req, reply, {
        status: 503,
        code: 'request.timeout',
        detail: `The request took longer than ${ms} ms.`,
        headers: { 'Retry-After': '5' },
      });
    }, ms);
    const clear = (): void => clearTimeout(timer);
    reply.raw.once('finish', clear);
    reply.raw.once('close', clear);
    done();
  });
}
