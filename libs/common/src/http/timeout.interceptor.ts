import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, throwError, TimeoutError } from 'rxjs';
import { catchError, timeout } from 'rxjs/operators';
import type { AppConfig } from '../config/env';
import { DomainError, ErrorKind } from '../errors/domain-error';

/** A request that outlives REQUEST_TIMEOUT_MS answers 503 instead of piling up. */
@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  private readonly ms: number;

  constructor(config: ConfigService<AppConfig, true>) {
    this.ms = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      timeout(this.ms),
      catchError((e: unknown) =>
        throwError(() =>
          e instanceof TimeoutError
            ? new DomainError(ErrorKind.UNAVAILABLE, 'request.timeout', `The request took longer than ${this.ms} ms.`)
            : e,
        ),
      ),
    );
  }
}
