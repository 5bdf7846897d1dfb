import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PHONE_PATTERN, toEmail, toPhone, trim } from '@app/common';

export class CreateContactDto {
  @ApiProperty({ example: 'Jane Roe', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    type: String,
    example: 'jane@acme.com',
    nullable: true,
    description: 'Trimmed and lower-cased',
    maxLength: 254,
    format: 'email',
  })
  @IsOptional()
  @Transform(toEmail)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: '+1 555 123 4567',
    nullable: true,
    description: 'Stored as + and digits',
    maxLength: 64,
  })
  @IsOptional()
  @Transform(toPhone)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must have 6-15 digits' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, example: 'CFO', nullable: true, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  title?: string | null;

  @ApiPropertyOptional({ description: 'Make this the primary contact (the first contact always is)' })
  @IsOptional()
  @IsBoolean()
  isPrimary?: boolean;
}

/** Partial contact update; `isPrimary` is changed only through POST …/primary. */
export class UpdateContactDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((o: UpdateContactDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 254, format: 'email' })
  @IsOptional()
  @Transform(toEmail)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64 })
  @IsOptional()
  @Transform(toPhone)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must have 6-15 digits' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  title?: string | null;
}
