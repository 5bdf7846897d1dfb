import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from './problem';
import { requestIdOf } from './request-id';

/**
 * `ms` from the moment a request arrives, guards included (the tenant lookup of the AuthGuard
 * can wait on the database too, and interceptors start only after guards): a request still
 * unanswered then gets a 503 problem body, so clients never wait on a slow or hung database.
 * Work still running finds the response already sent and is discarded.
 */
export function installRequestDeadline(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', (req, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      const body: ProblemDetails = {
        type: problemType('request.timeout'),
        title: 'Service Unavailable',
        status: 503,
        detail: `The request took longer than ${ms} ms.`,
        instance: req.originalUrl,
        requestId: requestIdOf(req.raw),
        code: 'request.timeout',
      };
      void reply.code(503).header('Retry-After', '5').type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    }, ms);
    const clear = (): void => clearTimeout(timer);
    reply.raw.once('finish', clear);
    reply.raw.once('close', clear);
    done();
  });
}
