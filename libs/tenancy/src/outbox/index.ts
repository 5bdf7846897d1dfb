export * from './outbox';
export * from './outbox-consumer';
export * from './outbox-entry.schema';
export * from './outbox-recovery.task';
