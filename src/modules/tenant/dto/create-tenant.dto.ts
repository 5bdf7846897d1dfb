import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { TENANT_SLUG } from '@app/tenancy';

export class CreateTenantDto {
  @ApiProperty({
    example: 'acme',
    pattern: TENANT_SLUG.source,
    description: 'Names the tenant and its database.',
    maxLength: 39,
  })
  @IsString()
  @Matches(TENANT_SLUG, { message: 'slug must be 2-39 characters of a-z, 0-9 and -, starting with a letter or digit' })
  slug: string;

  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}
