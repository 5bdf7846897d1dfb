export * from './tokens';
export * from './realtime-client';
export * from './memory-store';
