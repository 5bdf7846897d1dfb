export * from './cursor';
export * from './diff';
export * from './search-tokens';
export * from './sort';
export * from './page-query.dto';
export * from './list-filter';
export * from './list-query.dto';
