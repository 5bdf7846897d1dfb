export * from './natural-key';
