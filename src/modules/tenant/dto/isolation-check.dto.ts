import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TENANT_SLUG } from '@app/tenancy';

export class IsolationCheckDto {
  @ApiProperty({
    example: 'acme',
    description: 'The tenant whose data is planted and must stay private',
    maxLength: 39,
    pattern: TENANT_SLUG.source,
  })
  @IsString()
  @Matches(TENANT_SLUG)
  tenantA: string;

  @ApiProperty({
    example: 'globex',
    description: 'The tenant that tries to reach it',
    maxLength: 39,
    pattern: TENANT_SLUG.source,
  })
  @IsString()
  @Matches(TENANT_SLUG)
  tenantB: string;
}

export class IsolationCheckResult {
  @ApiProperty() name: string;
  @ApiProperty() passed: boolean;
  @ApiProperty() detail: string;
}

export class IsolationReport {
  @ApiProperty() success: boolean;
  @ApiProperty() tenantA: string;
  @ApiProperty() tenantB: string;
  @ApiProperty({ type: [IsolationCheckResult] }) checks: IsolationCheckResult[];
}
