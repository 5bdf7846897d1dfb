export * from './idempotency-record.schema';
export * from './idempotency.errors';
export * from './idempotency.interceptor';
export * from './idempotency.providers';
export * from './idempotency.store';
export * from './idempotent.decorator';
