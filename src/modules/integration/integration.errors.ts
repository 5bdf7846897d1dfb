import { codedError, DomainError, ErrorKind } from '@app/common';

export enum IntegrationErrorCode {
  WEBHOOK_NOT_FOUND = 'webhook.not_found',
  WEBHOOK_URL_REFUSED = 'webhook.url_refused',
  WEBHOOK_UNKNOWN_EVENT = 'webhook.unknown_event',
  WEBHOOK_LIMIT_REACHED = 'webhook.limit_reached',
  WEBHOOK_DISABLED = 'webhook.disabled',
  WEBHOOK_VERSION_MISMATCH = 'webhook.version_mismatch',
  WEBHOOK_WRITE_CONFLICT = 'webhook.write_conflict',
  DELIVERY_NOT_FOUND = 'webhook.delivery_not_found',
  DELIVERY_IN_PROGRESS = 'webhook.delivery_in_progress',
  API_KEY_NOT_FOUND = 'api_key.not_found',
  API_KEY_LIMIT_REACHED = 'api_key.limit_reached',
  API_KEY_EXPIRED = 'api_key.expires_in_past',
  API_KEY_WRITE_CONFLICT = 'api_key.write_conflict',
  COMPANIES_REQUIRED = 'integration.companies_required',
}

const KIND: Record<IntegrationErrorCode, ErrorKind> = {
  [IntegrationErrorCode.WEBHOOK_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [IntegrationErrorCode.WEBHOOK_URL_REFUSED]: ErrorKind.BAD_REQUEST,
  [IntegrationErrorCode.WEBHOOK_UNKNOWN_EVENT]: ErrorKind.BAD_REQUEST,
  [IntegrationErrorCode.WEBHOOK_LIMIT_REACHED]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.WEBHOOK_DISABLED]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.WEBHOOK_VERSION_MISMATCH]: ErrorKind.PRECONDITION_FAILED,
  [IntegrationErrorCode.WEBHOOK_WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.DELIVERY_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [IntegrationErrorCode.DELIVERY_IN_PROGRESS]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.API_KEY_NOT_FOUND]: ErrorKind.NOT_FOUND,
  [IntegrationErrorCode.API_KEY_LIMIT_REACHED]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.API_KEY_EXPIRED]: ErrorKind.BAD_REQUEST,
  [IntegrationErrorCode.API_KEY_WRITE_CONFLICT]: ErrorKind.CONFLICT,
  [IntegrationErrorCode.COMPANIES_REQUIRED]: ErrorKind.FORBIDDEN,
};

export class IntegrationError extends codedError<IntegrationErrorCode>(KIND) {}

export const webhookNotFound = (id: string) =>
  new IntegrationError(IntegrationErrorCode.WEBHOOK_NOT_FOUND, `Webhook ${id} was not found.`);

export const deliveryNotFound = (id: string) =>
  new IntegrationError(IntegrationErrorCode.DELIVERY_NOT_FOUND, `Delivery ${id} was not found.`);

export const apiKeyNotFound = (id: string) =>
  new IntegrationError(IntegrationErrorCode.API_KEY_NOT_FOUND, `API key ${id} was not found.`);

/** A bad value of one request field, as a 400 that names it in `errors`. */
export function fieldRefused(code: IntegrationErrorCode, path: string, message: string): DomainError {
  return new DomainError(ErrorKind.BAD_REQUEST, code, message, {}, [{ path, message }]);
}
