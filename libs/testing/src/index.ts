export * from './tokens';
export * from './realtime-client';
