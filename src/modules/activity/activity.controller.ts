import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, IfMatchVersion, ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { ActivityService } from './activity.service';
import { ActivityPageResponse, ActivityResponse } from './dto/activity.response';
import { CreateActivityDto } from './dto/create-activity.dto';
import { ListActivitiesQueryDto } from './dto/list-activities-query.dto';
import { UpdateActivityDto } from './dto/update-activity.dto';

@ApiTags('activities')
@ApiProblemResponses([409, 'Complete/reopen of an activity that is not a task, or an activity on a converted lead'])
@UseInterceptors(VersionETagInterceptor)
@Controller('activities')
export class ActivityController {
  constructor(private readonly activities: ActivityService) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @CreatesResource()
  @ApiOperation({ summary: 'Log a note, call, email or meeting, or create a task, on one customer or lead' })
  @ApiCreatedResponse({ type: ActivityResponse })
  create(@Body() dto: CreateActivityDto): Promise<ActivityResponse> {
    return this.activities.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List activities newest first: by target, type, assignee, task status, due date, overdue' })
  @ApiOkResponse({ type: ActivityPageResponse })
  list(@Query() query: ListActivitiesQueryDto): Promise<ActivityPageResponse> {
    return this.activities.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an activity' })
  @ApiOkResponse({ type: ActivityResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<ActivityResponse> {
    return this.activities.get(id);
  }

  @Patch(':id')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change some fields of an activity (null clears an optional one)' })
  @ApiOkResponse({ type: ActivityResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateActivityDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<ActivityResponse> {
    return this.activities.update(id, dto, version);
  }

  @Delete(':id')
  @MinRole(Role.MEMBER)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an activity (a note: its author or an admin only)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<void> {
    await this.activities.remove(id, version);
  }

  @Post(':id/complete')
  @MinRole(Role.MEMBER)
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a task done (records who and when)' })
  @ApiOkResponse({ type: ActivityResponse })
  complete(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<ActivityResponse> {
    return this.activities.complete(id, version);
  }

  @Post(':id/reopen')
  @MinRole(Role.MEMBER)
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a done task again' })
  @ApiOkResponse({ type: ActivityResponse })
  reopen(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<ActivityResponse> {
    return this.activities.reopen(id, version);
  }
}
