import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { OBJECT_ID, trim } from '@app/common';
import { ActivityType, MAX_BODY, MAX_DURATION_MINUTES, MAX_OUTCOME, MAX_SUBJECT } from '../activity.enums';

const ID_DOC = { pattern: '^[0-9a-f]{24}$', maxLength: 24, example: '665f1c2e8b3e4a1d2c3b4a59' } as const;
const ID_MESSAGE = (field: string) => ({ message: `${field} must be a 24-character hex id` });

/** A new activity: exactly one of customerId, leadId, opportunityId. */
export class CreateActivityDto {
  @ApiProperty({ enum: ActivityType, example: ActivityType.CALL })
  @IsEnum(ActivityType)
  type: ActivityType;

  @ApiProperty({ example: 'Discovery call', minLength: 1, maxLength: MAX_SUBJECT })
  @Transform(trim)
  @IsString()
  @Length(1, MAX_SUBJECT)
  subject: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_BODY, example: 'Wants a quote by Friday.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY)
  body?: string | null;

  @ApiPropertyOptional({ ...ID_DOC, description: 'The customer the activity is about' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, ID_MESSAGE('customerId'))
  customerId?: string;

  @ApiPropertyOptional({ ...ID_DOC, description: 'The lead the activity is about (follows it to its customer)' })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, ID_MESSAGE('leadId'))
  leadId?: string;

  @ApiPropertyOptional({
    ...ID_DOC,
    description:
      "The opportunity the activity is about (it joins the deal's customer: timeline, lastActivityAt, openTasks)",
  })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, ID_MESSAGE('opportunityId'))
  opportunityId?: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 40, description: 'Tasks only' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAt?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 200,
    description: 'User id; a task defaults to its creator',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_DURATION_MINUTES, description: 'Calls and meetings only' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes?: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_OUTCOME, description: 'Calls and meetings only' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, MAX_OUTCOME)
  outcome?: string;
}
