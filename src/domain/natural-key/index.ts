export * from './natural-key';
export * from './grouped-matches';
