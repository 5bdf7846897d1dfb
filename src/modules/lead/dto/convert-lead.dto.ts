import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEnum, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ConvertOpportunityDto } from './convert-opportunity.dto';
import { QueryBoolean, toWebsite, trim } from '@app/common';
import { CustomerSize, CustomerStatus, CLIENT_STATUSES } from '../../customer';

/** Customer fields the lead does not carry, or overrides of those it does. */
export class ConvertLeadDto {
  @ApiPropertyOptional({
    example: 'Initech',
    maxLength: 200,
    description: 'Customer name (default: the lead company name, else its name)',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'Software', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional({ enum: CustomerSize })
  @IsOptional()
  @IsEnum(CustomerSize)
  size?: CustomerSize;

  @ApiPropertyOptional({ example: 'https://initech.com', maxLength: 500 })
  @IsOptional()
  @Transform(toWebsite)
  @IsString()
  @Matches(/^https?:\/\//, { message: 'website must be an http(s) address with a host name' })
  @MaxLength(500)
  website?: string;

  @ApiPropertyOptional({ enum: [...CLIENT_STATUSES], description: 'Defaults to active' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({ type: String, example: 'user-42', nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  assignedTo?: string | null;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  @ApiPropertyOptional({ type: ConvertOpportunityDto, description: 'Also create a deal on the new customer' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConvertOpportunityDto)
  createOpportunity?: ConvertOpportunityDto;
}

export class ConvertLeadQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'true (or 1, yes, on): show what would be created and possible duplicates, write nothing',
  })
  @IsOptional()
  @QueryBoolean()
  dryRun?: boolean;
}
