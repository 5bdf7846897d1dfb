import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' }) path: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** The RFC 9457 body of every error response. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:tenant-crm:problem:customer.not_found' }) type: string;
  @ApiProperty({ example: 'Not Found' }) title: string;
  @ApiProperty({ example: 404 }) status: number;
  @ApiProperty() detail: string;
  @ApiProperty({ example: '/api/v1/customers/665f1c...' }) instance: string;
  @ApiProperty() requestId: string;
  @ApiProperty({ example: 'customer.not_found' }) code: string;
  @ApiProperty({ type: [FieldErrorDto], required: false }) errors?: FieldErrorDto[];
}

const COMMON: Array<[number, string]> = [
  [400, 'Invalid input (unknown field, wrong type, malformed id); `errors` lists each field'],
  [401, 'Missing, malformed, expired or wrongly signed token; unknown tenant'],
  [403, 'Role not allowed, or tenant suspended'],
  [404, 'Not found (also for ids of another tenant)'],
  [429, 'Rate limit exceeded; see Retry-After'],
  [503, 'Database unavailable or request timed out'],
];

/** Documents the problem+json error responses shared by every route. */
export function ApiProblemResponses(...extra: Array<[number, string]>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...COMMON, ...extra].map(([status, description]) => ApiResponse({ status, description, type: ProblemDto })),
  );
}
