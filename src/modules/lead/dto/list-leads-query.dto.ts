import { ExternalIdQuery } from '../../../domain/external-id';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { SearchListQueryDto } from '@app/common';
import { LeadStatus } from '../lead.enums';

/** The shared list filters, sort and paging, plus the lead's status. */
export class ListLeadsQueryDto extends SearchListQueryDto {
  @ApiPropertyOptional({ enum: LeadStatus })
  @IsOptional()
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ExternalIdQuery()
  externalId?: string;
}
