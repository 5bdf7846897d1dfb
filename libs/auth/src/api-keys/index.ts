export * from './api-key.format';
export * from './api-key.repository';
export * from './api-key.schema';
export * from './api-key.verifier';
