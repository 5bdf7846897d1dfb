import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { OBJECT_ID, toQueryBoolean } from '@app/common';
import { IMPORT_ENTITIES, type ImportEntityName } from '../import/import-entity';
import { ImportMode, ImportStatus } from '../schemas/import-job.schema';

export const MATCH_FIELDS = ['email', 'website', 'externalId'] as const;

/** The form fields of POST /imports (beside `file`). */
export class ImportFormDto {
  @ApiProperty({ enum: IMPORT_ENTITIES, description: 'What the rows are' })
  @IsIn(IMPORT_ENTITIES)
  entity: ImportEntityName;

  @ApiProperty({
    description: 'The company every row (customer or lead) is filed under',
    pattern: '^[0-9a-f]{24}$',
    maxLength: 24,
  })
  @IsString()
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId: string;

  @ApiPropertyOptional({ enum: ImportMode, default: ImportMode.CREATE })
  @IsOptional()
  @IsIn(Object.values(ImportMode))
  mode?: ImportMode;

  @ApiPropertyOptional({ enum: MATCH_FIELDS, description: 'upsert/update: the natural key rows are matched by' })
  @IsOptional()
  @IsIn(MATCH_FIELDS)
  match?: (typeof MATCH_FIELDS)[number];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 50 },
    description: 'JSON: column → field ("" skips the column); columns named like a field need no entry',
  })
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Validate every row and report; write nothing', default: false })
  @IsOptional()
  @Transform(toQueryBoolean)
  @IsBoolean()
  dryRun?: boolean;
}

export class ImportAcceptedResponse {
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', maxLength: 24 }) id: string;
  @ApiProperty({ enum: ImportStatus }) status: ImportStatus;
}

export class ImportRowErrorResponse {
  @ApiProperty({ description: '1-based data row (CSV: the line after the header is row 1)' }) row: number;
  @ApiProperty({ nullable: true, type: String }) field: string | null;
  @ApiProperty() message: string;
}

export class ImportRevertResponse {
  @ApiProperty() removed: number;
  @ApiProperty() restored: number;
  @ApiProperty({ type: [String], description: 'Records changed since the import: left as they are' }) kept: string[];
  @ApiProperty() at: string;
  @ApiProperty() by: string;
}

export class ImportResponse {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: string;
  @ApiProperty({ enum: ImportMode }) mode: ImportMode;
  @ApiProperty({ nullable: true, type: String }) match: string | null;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: ImportStatus }) status: ImportStatus;
  @ApiProperty({ nullable: true, type: Number, description: 'Known when the file has been read to its end' })
  total: number | null;
  @ApiProperty() processed: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() skipped: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: [ImportRowErrorResponse], description: 'The first 10,000 row errors' })
  errors: ImportRowErrorResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Why a failed import stopped' }) failure: string | null;
  @ApiProperty({ type: ImportRevertResponse, nullable: true }) revert: ImportRevertResponse | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}
