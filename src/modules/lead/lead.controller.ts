import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { ConvertLeadDto, ConvertLeadQueryDto } from './dto/convert-lead.dto';
import { ConversionPreviewResponse, ConversionResponse } from './dto/conversion.response';
import { CreateLeadDto } from './dto/create-lead.dto';
import { LeadPageResponse, LeadResponse } from './dto/lead.response';
import { ListLeadsQueryDto } from './dto/list-leads-query.dto';
import { UpdateLeadDto } from './dto/update-lead.dto';
import { LeadConversionService } from './lead-conversion.service';
import { LeadService } from './lead.service';

@ApiTags('leads')
@ApiProblemResponses([409, 'The lead is converted (read-only), or already converted'])
@UseInterceptors(VersionETagInterceptor)
@Controller('leads')
export class LeadController {
  constructor(
    private readonly leads: LeadService,
    private readonly conversion: LeadConversionService,
  ) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Create a lead under a company of your tenant' })
  @ApiCreatedResponse({ type: LeadResponse })
  create(@Body() dto: CreateLeadDto): Promise<LeadResponse> {
    return this.leads.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List leads: filters, prefix search (q), sort, keyset paging (limit 1..100, default 25)' })
  @ApiOkResponse({ type: LeadPageResponse })
  list(@Query() query: ListLeadsQueryDto): Promise<LeadPageResponse> {
    return this.leads.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a lead' })
  @ApiOkResponse({ type: LeadResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<LeadResponse> {
    return this.leads.get(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change some fields (null clears an optional one; contacts replaces the list)' })
  @ApiOkResponse({ type: LeadResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateLeadDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<LeadResponse> {
    return this.leads.update(id, dto, version);
  }

  @Delete(':id')
  @MinRole(Role.MEMBER)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a lead' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    await this.leads.remove(id);
  }

  @Post(':id/convert')
  @MinRole(Role.MEMBER)
  @Idempotent()
  @ApiOperation({
    summary: 'Convert the lead into a customer (idempotent); ?dryRun=true previews it and lists possible duplicates',
  })
  @ApiCreatedResponse({ type: ConversionResponse, description: 'The new customer and the converted lead' })
  @ApiOkResponse({ type: ConversionPreviewResponse, description: 'dryRun=true: what would be created' })
  convert(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: ConvertLeadDto,
    @Query() query: ConvertLeadQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<ConversionResponse | ConversionPreviewResponse> {
    if (!query.dryRun) return this.conversion.convert(id, dto);
    res.code(HttpStatus.OK);
    return this.conversion.preview(id, dto);
  }
}
