import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PHONE_PATTERN } from '@app/common';
import { NormaliseEmail, NormalisePhone, TrimString } from './lead-transforms';

export class LeadContactDto {
  @ApiProperty({ example: 'Jane Doe', maxLength: 200 })
  @TrimString()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'jane@acme.com', nullable: true })
  @IsOptional()
  @NormaliseEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: '+15551234567', nullable: true, description: 'Normalised to +digits' })
  @IsOptional()
  @NormalisePhone()
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number of 6-15 digits' })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'CTO', nullable: true, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string | null;

  @ApiPropertyOptional({ description: 'At most one contact may be primary; the first becomes primary otherwise' })
  @IsOptional()
  @IsBoolean()
  isPrimary?: boolean;
}

export class LeadContactResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty() isPrimary: boolean;
}
