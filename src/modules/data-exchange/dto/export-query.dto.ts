import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListCustomersQueryDto } from '../../customer';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The list filters of GET /customers (every match, in id order: no sort or paging) and the format. */
export class ExportCustomersQueryDto extends OmitType(ListCustomersQueryDto, ['limit', 'cursor', 'sort'] as const) {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
