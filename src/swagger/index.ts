export * from './api-problem-responses';
export * from './openapi-document';
export * from './problem.dto';
