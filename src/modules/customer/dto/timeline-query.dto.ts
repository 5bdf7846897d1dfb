import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateBy, type ValidationOptions, buildMessage } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { TIMELINE_KINDS, type TimelineKind } from '../timeline/timeline-source';

/** One of the kinds the loaded modules declared (read when validating, so every module has declared its own). */
function IsTimelineKind(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimelineKind',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && TIMELINE_KINDS.includes(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be one of the following values: ${TIMELINE_KINDS.join(', ')}`,
          options,
        ),
      },
    },
    options,
  );
}

/** `types=activity,status_change` or `types=activity&types=revenue`; absent: every kind. */
export class TimelineQueryDto extends PageQueryDto {
  // The live list itself (not a copy), so the document built at start-up has every module's kinds.
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: TIMELINE_KINDS as TimelineKind[] },
    description: 'Only these kinds (comma-separated or repeated)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value,
  )
  @IsArray()
  @ArrayMaxSize(20)
  @IsTimelineKind({ each: true })
  types?: TimelineKind[];
}
