import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'email', maxLength: 200, description: 'The field (or header) at fault' })
  path: string;

  @ApiProperty({ example: 'email must be an email', maxLength: 1000 })
  message: string;
}

/**
 * The RFC 9457 body of every error response (`application/problem+json`). The extension members
 * below are the only ones the API sends; the schema is closed, so a new one must be listed here.
 */
export class ProblemDto {
  @ApiProperty({ example: 'urn:tenant-crm:problem:customer.not_found', maxLength: 200, format: 'uri' })
  type: string;

  @ApiProperty({ example: 'Not Found', maxLength: 100 })
  title: string;

  @ApiProperty({ example: 404, type: 'integer', format: 'int32', minimum: 400, maximum: 599 })
  status: number;

  @ApiProperty({ example: 'Customer 665f1c2e8b3e4a1d2c3b4a59 was not found.', maxLength: 2000 })
  detail: string;

  @ApiProperty({ example: '/api/v1/customers/665f1c2e8b3e4a1d2c3b4a59', maxLength: 20000 })
  instance: string;

  @ApiProperty({
    example: '0f8fad5b-d9cb-469f-a165-70867728950e',
    maxLength: 128,
    description: 'Quote it when reporting a problem',
  })
  requestId: string;

  @ApiProperty({
    example: 'customer.not_found',
    maxLength: 100,
    description: 'Stable machine-readable code to switch on',
  })
  code: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], maxItems: 1000, description: 'One entry per invalid field (400)' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: '412: the version the record is at now',
  })
  currentVersion?: number;

  @ApiPropertyOptional({
    maxLength: 24,
    pattern: '^[0-9a-f]{24}$',
    description: '409 on a converted lead: its customer',
  })
  customerId?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 24, pattern: '^[0-9a-f]{24}$' },
    maxItems: 10,
    description: '409 on a match that finds several customers, or finds one in another company: their ids',
  })
  ids?: string[];

  @ApiPropertyOptional({
    maxLength: 24,
    pattern: '^[0-9a-f]{24}$',
    description: '410 on a merged customer: the customer it was merged into',
  })
  mergedInto?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000_000 },
    maxProperties: 100,
    example: { customers: 2, leads: 1 },
    description:
      '409 on a company, customer or pipeline stage still in use: what each module still files under it, counted',
  })
  remaining?: Record<string, number>;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 10_000_000,
    description: '429: requests allowed per window',
  })
  limit?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 3600,
    description: '429: the window, in seconds',
  })
  windowSeconds?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 3600,
    description: '429: seconds until a retry may succeed',
  })
  retryAfter?: number;

  @ApiPropertyOptional({ enum: ['user', 'tenant', 'ip'], description: '429: which limit was reached' })
  scope?: string;
}
