import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { TIMELINE_KINDS, type TimelineKind } from '../timeline/timeline-source';

/** `types=activity,status_change` or `types=activity&types=revenue`; absent: every kind. */
export class TimelineQueryDto extends PageQueryDto {
  // The live list itself (not a copy), here and in IsIn, so the document built at start-up and every
  // validation see every module's kinds, whichever module loaded first.
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
  @IsIn(TIMELINE_KINDS as TimelineKind[], { each: true })
  types?: TimelineKind[];
}
