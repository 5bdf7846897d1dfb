import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { TimelineKind } from '../timeline/timeline-source';

/** `types=activity,status_change` or `types=activity&types=revenue`; absent: every kind. */
export class TimelineQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: TimelineKind,
    isArray: true,
    description: 'Only these kinds (comma-separated or repeated)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value,
  )
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnum(TimelineKind, { each: true })
  types?: TimelineKind[];
}
