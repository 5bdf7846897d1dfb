import type { CustomerPage } from '../customer-snapshot.source';
import type { MissedEvent } from '../realtime-payload';
import type { FieldError } from '@app/common';

/** The error half of every ack, shaped like a problem+json body without the HTTP parts. */
export interface RealtimeErrorBody {
  status: number;
  title: string;
  code: string;
  detail: string;
  errors?: FieldError[];
}

export interface ErrorAck {
  ok: false;
  error: RealtimeErrorBody;
}

export interface SubscribeOk {
  ok: true;
  companyId: string;
  /** The company's first page of customers, as `GET /customers?companyId=` returns it. */
  snapshot: CustomerPage;
  /** The company's stream position: resubscribe with `sinceSeq: seq` to resume from here. */
  seq: number;
  /** With `sinceSeq`: the events after it, in order (never more than the replay limit). */
  missed?: MissedEvent[];
  /** With `sinceSeq`: the gap cannot be replayed; reload the company's customers over HTTP. */
  resync?: true;
}

export interface UnsubscribeOk {
  ok: true;
  companyId: string;
}

export type SubscribeAck = SubscribeOk | ErrorAck;
export type UnsubscribeAck = UnsubscribeOk | ErrorAck;
