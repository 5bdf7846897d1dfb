export * from './isolation-probe';
export * from './tenancy.module';
export * from './tenant-connection.registry';
export * from './tenant-context';
export * from './tenant-directory';
export * from './tenant-model';
export * from './tenant-record';
export * from './tenant-runner';
