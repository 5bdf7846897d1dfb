import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { PlatformOnly } from '@app/auth';
import { CreatesResource } from '@app/common';
import { TENANT_SLUG } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { DeleteTenantQueryDto } from './dto/delete-tenant-query.dto';
import { IsolationCheckDto, IsolationReport } from './dto/isolation-check.dto';
import { TenantListResponse, TenantResponse, toTenantResponse } from './dto/tenant.response';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { IsolationCheckService } from './isolation-check.service';
import { TenantService } from './tenant.service';

const SLUG = ApiParam({
  name: 'slug',
  required: true,
  schema: { type: 'string', pattern: TENANT_SLUG.source, maxLength: 39, example: 'acme' },
});

@ApiTags('tenants')
@ApiProblemResponses([409, 'A tenant with this slug exists'])
@PlatformOnly()
@Controller('tenants')
export class TenantController {
  constructor(
    private readonly tenants: TenantService,
    private readonly isolation: IsolationCheckService,
  ) {}

  @Post()
  @CreatesResource()
  @ApiOperation({ summary: 'Register a tenant and provision its database (409 if the slug exists)' })
  @ApiCreatedResponse({ type: TenantResponse })
  async create(@Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return toTenantResponse(await this.tenants.create(dto));
  }

  @Get()
  @ApiOperation({ summary: 'List tenants' })
  @ApiOkResponse({ type: TenantListResponse })
  async list(): Promise<TenantListResponse> {
    return { data: (await this.tenants.list()).map(toTenantResponse) };
  }

  @Post('isolation-check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prove that tenant B can neither read nor change tenant A data' })
  @ApiOkResponse({ type: IsolationReport })
  check(@Body() dto: IsolationCheckDto): Promise<IsolationReport> {
    return this.isolation.run(dto.tenantA, dto.tenantB);
  }

  @Get(':slug')
  @SLUG
  @ApiOperation({ summary: 'Read a tenant' })
  @ApiOkResponse({ type: TenantResponse })
  async get(@Param('slug') slug: string): Promise<TenantResponse> {
    return toTenantResponse(await this.tenants.get(slug));
  }

  @Patch(':slug')
  @SLUG
  @ApiOperation({ summary: 'Rename, suspend (status=suspended) or reactivate a tenant' })
  @ApiOkResponse({ type: TenantResponse })
  async update(@Param('slug') slug: string, @Body() dto: UpdateTenantDto): Promise<TenantResponse> {
    return toTenantResponse(await this.tenants.update(slug, dto));
  }

  @Delete(':slug')
  @SLUG
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Tenant and its database deleted' })
  @ApiOperation({ summary: 'Delete a tenant and drop its database; requires ?confirm=<slug>' })
  async remove(@Param('slug') slug: string, @Query() query: DeleteTenantQueryDto): Promise<void> {
    await this.tenants.remove(slug, query.confirm);
  }
}
