import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CompanyService } from './company.service';
import { CompanyListResponse, CompanyResponse, CreateCompanyDto, UpdateCompanyDto } from './dto/company.dto';

@ApiTags('companies')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('companies')
export class CompanyController {
  constructor(private readonly companies: CompanyService) {}

  @Post()
  @MinRole(Role.ADMIN)
  @Idempotent()
  @ApiOperation({ summary: 'Create a company (business unit) in the caller tenant' })
  create(@Body() dto: CreateCompanyDto): Promise<CompanyResponse> {
    return this.companies.create(dto);
  }

  @Get()
  async list(): Promise<CompanyListResponse> {
    return { data: await this.companies.list() };
  }

  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<CompanyResponse> {
    return this.companies.get(id);
  }

  @Patch(':id')
  @MinRole(Role.ADMIN)
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: UpdateCompanyDto): Promise<CompanyResponse> {
    return this.companies.update(id, dto);
  }

  @Delete(':id')
  @MinRole(Role.ADMIN)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a company (409 while data is still filed under it)' })
  async remove(@Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    await this.companies.remove(id);
  }
}
