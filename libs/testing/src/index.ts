export * from './ferretdb';
export * from './tokens';
