import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CompanyService } from './company.service';
import { CompanyListResponse, CompanyResponse, CreateCompanyDto, UpdateCompanyDto } from './dto/company.dto';

@ApiTags('companies')
@ApiProblemResponses([409, 'The company still has records filed under it'])
@Controller('companies')
export class CompanyController {
  constructor(private readonly companies: CompanyService) {}

  @Post()
  @MinRole(Role.ADMIN)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Create a company (business unit) in the caller tenant' })
  @ApiCreatedResponse({ type: CompanyResponse })
  create(@Body() dto: CreateCompanyDto): Promise<CompanyResponse> {
    return this.companies.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the companies of the caller tenant (those the token may see)' })
  @ApiOkResponse({ type: CompanyListResponse })
  async list(): Promise<CompanyListResponse> {
    return { data: await this.companies.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a company' })
  @ApiOkResponse({ type: CompanyResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<CompanyResponse> {
    return this.companies.get(id);
  }

  @Patch(':id')
  @MinRole(Role.ADMIN)
  @ApiOperation({ summary: 'Rename a company or change its description' })
  @ApiOkResponse({ type: CompanyResponse })
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: UpdateCompanyDto): Promise<CompanyResponse> {
    return this.companies.update(id, dto);
  }

  @Delete(':id')
  @MinRole(Role.ADMIN)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a company (409 while data is still filed under it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    await this.companies.remove(id);
  }
}
