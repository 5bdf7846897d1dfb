import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length, ValidateIf } from 'class-validator';
import { CLIENT_SOURCES, CustomerSource, MAX_TAGS } from '../customer.enums';
import { CustomerFieldsDto } from './create-customer.dto';
import { TagList, trim } from '@app/common';

const present = (key: keyof UpdateCustomerDto) => (o: UpdateCustomerDto) => o[key] !== undefined;

/**
 * PATCH body: any subset of the plain fields; null clears an optional one (but not name,
 * source or tags). Status, assignee and contacts have their own routes (they keep history and
 * emit their own events); companyId is fixed at create.
 */
export class UpdateCustomerDto extends PartialType(OmitType(CustomerFieldsDto, ['name', 'source', 'tags'] as const)) {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf(present('name'))
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    enum: CLIENT_SOURCES,
    description: 'lead_conversion is set only by conversion; a converted customer keeps it',
  })
  @ValidateIf(present('source'))
  @IsIn(CLIENT_SOURCES, { message: `source must be one of ${CLIENT_SOURCES.join(', ')}` })
  source?: CustomerSource;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    description: 'Replaces all tags',
    maxItems: MAX_TAGS,
  })
  @ValidateIf(present('tags'))
  @TagList(MAX_TAGS)
  tags?: string[];
}
