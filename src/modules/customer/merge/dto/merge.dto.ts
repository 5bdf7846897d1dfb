import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { OBJECT_ID } from '@app/common';
import { CustomerResponse } from '../../dto/customer.response';
import type { MergeField } from '../merge-plan';

export const MAX_MERGE_SOURCES = 9;

const preferred = (field: MergeField) =>
  ApiPropertyOptional({
    pattern: OBJECT_ID.source,
    maxLength: 24,
    description: `Take ${field} from this record (the survivor or one of the sources)`,
  });
const ObjectIdString = (name: string) => Matches(OBJECT_ID, { message: `${name} must be a 24-character hex id` });

/** For each field, the record (survivor or source) whose value wins; fields not named follow the default. */
export class MergePreferDto implements Partial<Record<MergeField, string>> {
  @preferred('name') @IsOptional() @IsString() @ObjectIdString('prefer.name') name?: string;
  @preferred('email') @IsOptional() @IsString() @ObjectIdString('prefer.email') email?: string;
  @preferred('phone') @IsOptional() @IsString() @ObjectIdString('prefer.phone') phone?: string;
  @preferred('website') @IsOptional() @IsString() @ObjectIdString('prefer.website') website?: string;
  @preferred('industry') @IsOptional() @IsString() @ObjectIdString('prefer.industry') industry?: string;
  @preferred('size') @IsOptional() @IsString() @ObjectIdString('prefer.size') size?: string;
  @preferred('address') @IsOptional() @IsString() @ObjectIdString('prefer.address') address?: string;
  @preferred('notes') @IsOptional() @IsString() @ObjectIdString('prefer.notes') notes?: string;
  @preferred('assignedTo') @IsOptional() @IsString() @ObjectIdString('prefer.assignedTo') assignedTo?: string;
}

export class MergeCustomersDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: OBJECT_ID.source, maxLength: 24 },
    minItems: 1,
    maxItems: MAX_MERGE_SOURCES,
    uniqueItems: true,
    example: ['665f1c2ea1b2c3d4e5f60719'],
    description: 'The customers merged into this one (1..9, distinct, not the survivor, same company)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MERGE_SOURCES)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(OBJECT_ID, { each: true, message: 'each value in sourceIds must be a 24-character hex id' })
  sourceIds: string[];

  @ApiPropertyOptional({
    type: MergePreferDto,
    description:
      'Default: the survivor keeps its values; its empty fields are filled from the first source that has one',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MergePreferDto)
  prefer?: MergePreferDto;

  @ApiPropertyOptional({ description: 'true: answer what the merge would do and write nothing (default false)' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** Records moved to the survivor, by kind. */
export class MergeMovedResponse {
  @ApiProperty({ description: 'Contacts the survivor took (not already there by email)' }) contacts: number;
  @ApiProperty() revenueEntries: number;
  @ApiProperty() activities: number;
  @ApiProperty() opportunities: number;
  @ApiProperty({ description: 'Leads converted into a source, now naming the survivor as their customer' })
  leads: number;
}

export class MergeResultResponse {
  @ApiProperty() dryRun: boolean;

  @ApiProperty({
    example: 'mrg_3f9a6c2b1d0e4f5a6b7c',
    description: 'Names the merge in audit entries and events (the same for a retry of the same merge)',
  })
  mergeId: string;

  @ApiProperty({ type: CustomerResponse, description: 'The survivor after the merge (dry run: as it would be)' })
  customer: CustomerResponse;

  @ApiProperty({ type: [String], description: 'The merged customers: each now answers 410 with mergedInto' })
  sourceIds: string[];

  @ApiProperty({ type: MergeMovedResponse, description: 'Dry run: what would move' })
  moved: MergeMovedResponse;
}
