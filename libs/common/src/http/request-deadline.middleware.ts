import { Injectable, NestMiddleware } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/env';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from './problem';
import { requestIdOf } from './request-id';

/**
 * REQUEST_TIMEOUT_MS from the moment a request arrives, guards included (the tenant lookup of
 * the AuthGuard can wait on the database too, and interceptors start only after guards): a
 * request still unanswered then gets a 503 problem body, so clients never wait on a slow or hung
 * database. Work still running finds the response already sent and is discarded.
 */
@Injectable()
export class RequestDeadlineMiddleware implements NestMiddleware {
  private readonly ms: number;

  constructor(config: ConfigService<AppConfig, true>) {
    this.ms = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const body: ProblemDetails = {
        type: problemType('request.timeout'),
        title: 'Service Unavailable',
        status: 503,
        detail: `The request took longer than ${this.ms} ms.`,
        instance: req.originalUrl ?? req.url,
        requestId: requestIdOf(req),
        code: 'request.timeout',
      };
      res.status(503).setHeader('Retry-After', '5');
      res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    }, this.ms);
    const clear = (): void => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  }
}
