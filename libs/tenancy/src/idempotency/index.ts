export * from './idempotency-record.schema';
export * from './idempotency.errors';
export * from './idempotency.interceptor';
export * from './idempotency.store';
export * from './idempotency.sweep';
export * from './idempotent.decorator';
export * from './idempotency-metadata';
