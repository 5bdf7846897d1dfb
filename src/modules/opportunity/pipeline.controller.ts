import { Body, Controller, Get, Param, Patch, Post, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CreatePipelineDto, PipelineListResponse, PipelineResponse, UpdatePipelineDto } from './dto/pipeline.dto';
import { PipelineService } from './pipeline.service';

@ApiTags('pipelines')
@ApiProblemResponses(
  [409, 'A removed stage still holds open opportunities'],
  [422, 'Stages invalid (duplicate keys, won/lost as open stages) or too many pipelines'],
)
@UseInterceptors(VersionETagInterceptor)
@Controller('pipelines')
export class PipelineController {
  constructor(private readonly pipelines: PipelineService) {}

  @Post()
  @MinRole(Role.ADMIN)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Create a pipeline with ordered open stages (won and lost close every pipeline)' })
  @ApiCreatedResponse({ type: PipelineResponse })
  create(@Body() dto: CreatePipelineDto): Promise<PipelineResponse> {
    return this.pipelines.create(dto);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's pipelines (the default one first), one page" })
  @ApiOkResponse({ type: PipelineListResponse })
  list(): Promise<PipelineListResponse> {
    return this.pipelines.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a pipeline' })
  @ApiOkResponse({ type: PipelineResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<PipelineResponse> {
    return this.pipelines.get(id);
  }

  @Patch(':id')
  @MinRole(Role.ADMIN)
  @ApiOperation({ summary: 'Rename; rename, reorder, add or remove stages (a stage with open deals stays: 409)' })
  @ApiOkResponse({ type: PipelineResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdatePipelineDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<PipelineResponse> {
    return this.pipelines.update(id, dto, version);
  }
}
