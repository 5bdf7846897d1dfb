import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem-details.filter';

/**
 * `ms` from the moment a request arrives, guards included (the tenant lookup of the AuthGuard
 * can wait on the database too, and interceptors start only after guards): a request still
 * unanswered then gets a 503 problem body, so clients never wait on a slow or hung database.
 * Work still running finds the response already sent and is discarded.
 */
export function installRequestDeadline(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', (req, reply, done) => {
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
