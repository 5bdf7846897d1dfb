import { Controller, Get, Headers, Param } from '@nestjs/common';
import { bearerToken, Public, TokenService } from '@app/auth';
import { ParseObjectIdPipe } from '@app/common';
import { TenantConnectionRegistry } from '@app/tenancy';
import { toCompanyResponse } from '../../src/modules/company/company.mapper';
import type { CompanyResponse } from '../../src/modules/company/dto/company.dto';
import { Company, type CompanyLean } from '../../src/modules/company/schemas/company.schema';
import { companyNotFound } from '../../src/modules/company/company.errors';
import { FixedTenant } from './fixed-tenant';

/**
 * Baselines for the tenancy-cost scenario, registered only in the bench app: the same read and
 * response mapping as `GET /companies/:id`, through the same pipes, filter and interceptors, but
 * for a fixed tenant database. No guard (so no tenant lookup, no role check, no TenantContext);
 * the `/jwt` variant still verifies the bearer token, to tell the token's cost from the tenancy's.
 */
@Public()
@Controller('bench/fixed-tenant')
export class FixedTenantController {
  constructor(
    private readonly connections: TenantConnectionRegistry,
    private readonly tenant: FixedTenant,
    private readonly tokens: TokenService,
  ) {}

  @Get('companies/:id')
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<CompanyResponse> {
    return this.read(id);
  }

  @Get('jwt/companies/:id')
  getWithToken(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<CompanyResponse> {
    this.tokens.verify(bearerToken(authorization));
    return this.read(id);
  }

  private async read(id: string): Promise<CompanyResponse> {
    const row = await this.connections
      .model<Company>(this.tenant.dbName, Company.name)
      .findById(id)
      .lean<CompanyLean>()
      .exec();
    if (!row) throw companyNotFound(id);
    return toCompanyResponse(row);
  }
}
