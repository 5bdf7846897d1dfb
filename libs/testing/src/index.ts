export * from './ferretdb';
export * from './tokens';
export * from './realtime-client';
