import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PHONE_PATTERN, toEmail, toPhone, trim } from '@app/common';

const present = (key: string) => (o: object) => (o as Record<string, unknown>)[key] !== undefined;

/**
 * A contact as the seed shapes it: `firstName`, `lastName`, `email`, `phone`, `title`, `isPrimary`;
 * at least a first name, last name or email. `name` alone ("Jane Roe") is still accepted and split
 * into first and last name; sent with them, it must equal "firstName lastName".
 */
export class CreateContactDto {
  @ApiPropertyOptional({ type: String, example: 'John', nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, example: 'Doe', nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  lastName?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'John Doe',
    minLength: 1,
    maxLength: 200,
    description: 'Instead of firstName/lastName: split at the last space ("Mary Ann Smith" → "Mary Ann" + "Smith")',
  })
  @ValidateIf(present('name'))
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'john@acme.com',
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

  @ApiPropertyOptional({
    description: 'Make this the primary contact in the same write (the first contact always is)',
  })
  @IsOptional()
  @IsBoolean()
  isPrimary?: boolean;
}

/**
 * Partial contact update: given fields replace the stored ones, null clears an optional one (the
 * contact must keep a first name, last name or email). `name` alone replaces both first and last
 * name. `isPrimary` is changed only through POST …/primary.
 */
export class UpdateContactDto {
  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  lastName?: string | null;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 200, description: 'Replaces first and last name' })
  @ValidateIf(present('name'))
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
