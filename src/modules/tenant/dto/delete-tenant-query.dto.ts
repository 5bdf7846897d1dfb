import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeleteTenantQueryDto {
  @ApiProperty({ description: 'Must repeat the slug: deleting drops the tenant database.' })
  @IsString()
  @MaxLength(100)
  confirm: string;
}
