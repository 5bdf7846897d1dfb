import { classify, titleOf } from '@app/common';
import type { RealtimeErrorBody } from './dto/realtime-ack';

/**
 * Any error as the body a socket client sees: the same status, code and detail the HTTP API
 * would give (through the problem+json classifier), and nothing internal for a 5xx.
 */
export function toErrorBody(e: unknown): RealtimeErrorBody {
  const c = classify(e);
  return {
    status: c.status,
    title: titleOf(c.status),
    code: c.code,
    detail: c.detail,
    ...(c.errors ? { errors: c.errors } : {}),
  };
}
