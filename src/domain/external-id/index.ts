export * from './external-id';
