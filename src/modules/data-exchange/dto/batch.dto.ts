import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OBJECT_ID } from '@app/common';
import { ProblemDto } from '../../../swagger';

export const MAX_BATCH = 100;
export const BATCH_OPS = ['create', 'update', 'upsert', 'delete'] as const;
export type BatchOp = (typeof BATCH_OPS)[number];

/** One natural key: exactly one of email, website or externalId (checked per item). */
export class MatchDto {
  @ApiPropertyOptional({ maxLength: 254, example: 'billing@acme.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 2048, example: 'acme.com' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  website?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'erp-10042' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string;
}

export class BatchOperationDto {
  @ApiProperty({ enum: BATCH_OPS })
  @IsIn(BATCH_OPS)
  op: BatchOp;

  @ApiPropertyOptional({
    description: 'The customer (update, delete); or use match',
    pattern: '^[0-9a-f]{24}$',
    maxLength: 24,
  })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'id must be a 24-character hex id' })
  id?: string;

  @ApiPropertyOptional({
    type: MatchDto,
    description: 'Find the customer by one natural key (upsert; update/delete without id)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MatchDto)
  match?: MatchDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'create: the body of POST /customers; update: the body of PATCH /customers/:id; upsert: the POST body (companyId and name required), of which the PATCH fields apply when the customer exists',
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class BatchRequestDto {
  @ApiProperty({ type: [BatchOperationDto], minItems: 1, maxItems: MAX_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => BatchOperationDto)
  operations: BatchOperationDto[];
}

export class BatchItemResultDto {
  @ApiProperty({ description: 'Position of the operation in the request' }) index: number;
  @ApiProperty({ description: 'The status the operation alone would have answered (200, 201, 204, 4xx)' })
  status: number;
  @ApiPropertyOptional({ description: 'The customer written or deleted' }) id?: string;
  @ApiPropertyOptional({ enum: ['created', 'updated', 'unchanged', 'deleted'] }) outcome?: string;
  @ApiPropertyOptional({ type: ProblemDto, description: 'Why this operation failed (problem+json body)' })
  error?: ProblemDto;
}

export class BatchResponseDto {
  @ApiProperty({ type: [BatchItemResultDto] }) results: BatchItemResultDto[];
}
