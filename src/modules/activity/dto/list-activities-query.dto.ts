import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CompanyScopeQueryDto, OBJECT_ID, PageQueryDto, QueryBoolean } from '@app/common';
import { ActivityType, TaskStatus } from '../activity.enums';

const ID_DOC = { pattern: '^[0-9a-f]{24}$', maxLength: 24 } as const;

/** Filters of GET /activities; newest first (occurredAt, then id), keyset-paged. */
export class ListActivitiesQueryDto extends IntersectionType(CompanyScopeQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ ...ID_DOC, description: "The customer's activities (its opportunities' too)" })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'customerId must be a 24-character hex id' })
  customerId?: string;

  @ApiPropertyOptional({ ...ID_DOC, description: "The lead's activities" })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'leadId must be a 24-character hex id' })
  leadId?: string;

  @ApiPropertyOptional({ ...ID_DOC, description: "The opportunity's activities" })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID, { message: 'opportunityId must be a 24-character hex id' })
  opportunityId?: string;

  @ApiPropertyOptional({ enum: ActivityType })
  @IsOptional()
  @IsEnum(ActivityType)
  type?: ActivityType;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'User id ("my open tasks": yours and status=open)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignedTo?: string;

  @ApiPropertyOptional({ enum: TaskStatus, description: 'Tasks in this state' })
  @IsOptional()
  @IsEnum(TaskStatus)
  status?: TaskStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'Tasks due before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueBefore?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: open tasks past their due date (tasks without one never are)',
  })
  @IsOptional()
  @QueryBoolean()
  overdue?: boolean;
}
