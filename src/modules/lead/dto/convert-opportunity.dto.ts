import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { OBJECT_ID, trim } from '@app/common';

/** The deal a conversion creates on the new customer (every field optional). */
export class ConvertOpportunityDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Default: the customer name' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    minimum: 0,
    description: "Major units, ≤ 2 decimals (default: the lead's estimated value, else 0)",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1_000_000_000)
  amount?: number;

  @ApiPropertyOptional({ pattern: OBJECT_ID.source, maxLength: 24, description: 'Default: the default pipeline' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'pipelineId must be a 24-character hex id' })
  pipelineId?: string;

  @ApiPropertyOptional({ example: 'qualification', maxLength: 40, description: "Default: the pipeline's first stage" })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'stage must be a stage key' })
  stage?: string;
}
