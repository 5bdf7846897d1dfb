import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { trim } from '@app/common';
import { MAX_STAGES } from '../opportunity.enums';

export const STAGE_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export class StageDto {
  @ApiProperty({ example: 'proposal', pattern: STAGE_KEY.source, maxLength: 40, description: 'Not won or lost' })
  @IsString()
  @Matches(STAGE_KEY, { message: 'key must be lower case letters, digits and _ (1-40, starting with a letter)' })
  key: string;

  @ApiProperty({ example: 'Proposal', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 50, minimum: 0, maximum: 100, description: 'Win probability in percent' })
  @IsInt()
  @Min(0)
  @Max(100)
  probability: number;
}

export class CreatePipelineDto {
  @ApiProperty({ example: 'Enterprise', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ type: [StageDto], minItems: 1, maxItems: MAX_STAGES, description: 'Open stages, in order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages: StageDto[];
}

/** Rename the pipeline; rename, reorder, add or remove stages (the list replaces the old one). */
export class UpdatePipelineDto {
  @ApiPropertyOptional({ example: 'Enterprise', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: [StageDto],
    minItems: 1,
    maxItems: MAX_STAGES,
    description: 'The new open stages, in order; a removed stage must hold no open opportunity (else 409)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages?: StageDto[];
}

export class StageResponse {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() probability: number;
}

export class PipelineResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [StageResponse], description: 'Open stages in order; won and lost close every pipeline' })
  stages: StageResponse[];
  @ApiProperty({ enum: ['won', 'lost'], isArray: true }) closedStages: string[];
  @ApiProperty() isDefault: boolean;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Also sent as ETag; send it back in If-Match' }) version: number;
}

export class PipelineListResponse {
  @ApiProperty({ type: [PipelineResponse] }) data: PipelineResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: every pipeline fits one page' })
  nextCursor: string | null;
}
