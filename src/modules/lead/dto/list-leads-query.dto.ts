import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { SearchListQueryDto, sortKeys } from '@app/common';
import { DEFAULT_LEAD_SORT, LEAD_SORT_FIELDS } from '../lead-listing';
import { LeadStatus } from '../schemas/lead.schema';

/** The shared list filters (company, assignee, tags, q, updatedSince, paging), plus status and sort. */
export class ListLeadsQueryDto extends SearchListQueryDto {
  @ApiPropertyOptional({ enum: LeadStatus })
  @IsOptional()
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ApiPropertyOptional({ enum: sortKeys(LEAD_SORT_FIELDS), default: DEFAULT_LEAD_SORT })
  @IsOptional()
  @IsIn(sortKeys(LEAD_SORT_FIELDS))
  sort?: string;
}
