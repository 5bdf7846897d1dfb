import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/**
 * Documents the error statuses a controller or route adds to the platform's own (400, 401, 403,
 * 404, 412, 413, 415, 429, 500, 503 are added to every route where they apply, as problem+json,
 * by the document builder): e.g. `[409, 'The company still has customers']`.
 */
export function ApiProblemResponses(...extra: Array<[number, string]>): MethodDecorator & ClassDecorator {
  return applyDecorators(...extra.map(([status, description]) => ApiResponse({ status, description })));
}
