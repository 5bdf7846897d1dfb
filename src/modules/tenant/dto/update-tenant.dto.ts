import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length } from 'class-validator';
import { TenantStatus } from '@app/tenancy';

export class UpdateTenantDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: TenantStatus, description: 'suspended refuses every request of the tenant' })
  @IsOptional()
  @IsEnum(TenantStatus)
  status?: TenantStatus;
}
