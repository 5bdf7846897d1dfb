import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger/api-problem-responses';
import { CustomerPageResponse } from '../../customer';
import {
  CreateSegmentDto,
  ListSegmentsQueryDto,
  SegmentCountResponse,
  SegmentCustomersQueryDto,
  SegmentPageResponse,
  SegmentResponse,
  UpdateSegmentDto,
} from '../dto/segment.dto';
import { SegmentService } from './segment.service';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'ETag ("<version>") of the segment read; stale → 412',
};

@ApiTags('segments')
@ApiProblemResponses(
  [409, 'Segment limit reached, or a write conflict'],
  [412, 'If-Match names another version'],
  [422, 'The segment holds too many scored customers to list, or Idempotency-Key reused'],
)
@UseInterceptors(VersionETagInterceptor)
@Controller('segments')
export class SegmentController {
  constructor(private readonly segments: SegmentService) {}

  @Post()
  @MinRole(Role.MEMBER)
  @CreatesResource()
  @Idempotent()
  @ApiOperation({ summary: 'Save a named dynamic filter over customers' })
  @ApiCreatedResponse({ type: SegmentResponse })
  create(@Body() dto: CreateSegmentDto): Promise<SegmentResponse> {
    return this.segments.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the saved segments' })
  @ApiOkResponse({ type: SegmentPageResponse })
  list(@Query() query: ListSegmentsQueryDto): Promise<SegmentPageResponse> {
    return this.segments.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a segment' })
  @ApiOkResponse({ type: SegmentResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<SegmentResponse> {
    return this.segments.get(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Rename, describe, or replace the filter' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SegmentResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateSegmentDto,
    @IfMatchVersion() version?: number,
  ): Promise<SegmentResponse> {
    return this.segments.update(id, dto, version);
  }

  @Delete(':id')
  @MinRole(Role.MEMBER)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a segment' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version?: number): Promise<void> {
    await this.segments.remove(id, version);
  }

  @Get(':id/customers')
  @ApiOperation({ summary: "The segment's customers now, a page at a time (as GET /customers?segmentId=)" })
  @ApiOkResponse({ type: CustomerPageResponse })
  customers(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: SegmentCustomersQueryDto,
  ): Promise<CustomerPageResponse> {
    return this.segments.customersOf(id, query);
  }

  @Get(':id/count')
  @ApiOperation({ summary: 'How many customers the segment matches now' })
  @ApiOkResponse({ type: SegmentCountResponse })
  async count(@Param('id', ParseObjectIdPipe) id: string): Promise<SegmentCountResponse> {
    return { count: await this.segments.count(id) };
  }
}
