import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, Max, Min, ValidateNested } from 'class-validator';

export class HealthWeightsDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 35, description: 'RFM: (R + F + M − 3) / 12' })
  @IsInt()
  @Min(0)
  @Max(100)
  rfm: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 25, description: 'Days since the last activity' })
  @IsInt()
  @Min(0)
  @Max(100)
  activity: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 10, description: 'Overdue open tasks' })
  @IsInt()
  @Min(0)
  @Max(100)
  overdueTasks: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 20, description: 'Status: active 1, inactive 0.5, churned 0' })
  @IsInt()
  @Min(0)
  @Max(100)
  status: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 10, description: 'Open opportunity value vs revenue' })
  @IsInt()
  @Min(0)
  @Max(100)
  openOpportunities: number;
}

export class HealthThresholdsDto {
  @ApiProperty({ minimum: 1, maximum: 100, example: 70, description: 'Lowest score of the green band' })
  @IsInt()
  @Min(1)
  @Max(100)
  green: number;

  @ApiProperty({ minimum: 0, maximum: 99, example: 40, description: 'Lowest score of the yellow band (below green)' })
  @IsInt()
  @Min(0)
  @Max(99)
  yellow: number;
}

/** The whole model (PUT replaces it). */
export class HealthModelDto {
  @ApiProperty({ type: HealthWeightsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => HealthWeightsDto)
  weights: HealthWeightsDto;

  @ApiProperty({ type: HealthThresholdsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => HealthThresholdsDto)
  thresholds: HealthThresholdsDto;
}

export class HealthModelResponse extends HealthModelDto {
  @ApiProperty({ description: '0 while the default applies' })
  version: number;

  @ApiProperty({ description: 'No admin has set a model yet' })
  isDefault: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  updatedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  updatedBy: string | null;
}
