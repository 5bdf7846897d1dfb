import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { trim } from '@app/common';
import { MAX_BODY, MAX_DURATION_MINUTES, MAX_OUTCOME, MAX_SUBJECT } from '../activity.enums';

/** PATCH: the given fields change; null clears an optional one. Type and target never change. */
export class UpdateActivityDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_SUBJECT })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, MAX_SUBJECT)
  subject?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_BODY })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY)
  body?: string | null;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 40 })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', maxLength: 40, description: 'Tasks only' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: MAX_DURATION_MINUTES,
    description: 'Calls and meetings only',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: MAX_OUTCOME,
    description: 'Calls and meetings only',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, MAX_OUTCOME)
  outcome?: string | null;
}
