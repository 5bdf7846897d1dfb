import { codedError, ErrorKind } from '@app/common';

export enum RealtimeErrorCode {
  MISSING_TOKEN = 'auth.missing_token',
  TENANT_REQUIRED = 'auth.tenant_required',
  TOKEN_EXPIRED = 'auth.token_expired',
  TOO_MANY_SUBSCRIPTIONS = 'realtime.too_many_subscriptions',
}

const KIND: Record<RealtimeErrorCode, ErrorKind> = {
  [RealtimeErrorCode.MISSING_TOKEN]: ErrorKind.UNAUTHORIZED,
  [RealtimeErrorCode.TENANT_REQUIRED]: ErrorKind.FORBIDDEN,
  [RealtimeErrorCode.TOKEN_EXPIRED]: ErrorKind.UNAUTHORIZED,
  [RealtimeErrorCode.TOO_MANY_SUBSCRIPTIONS]: ErrorKind.TOO_MANY_REQUESTS,
};

export class RealtimeError extends codedError<RealtimeErrorCode>(KIND) {}
