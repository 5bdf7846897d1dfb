import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { CreatesResource, ParseObjectIdPipe, Role } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { ApiProblemResponses } from '../../../swagger/api-problem-responses';
import { ApiKeyService } from './api-key.service';
import {
  ApiKeyPageResponse,
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
  CreateApiKeyDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiProblemResponses([409, 'Limit reached'])
@MinRole(Role.ADMIN)
@Controller('api-keys')
export class ApiKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @CreatesResource()
  @Idempotent({ notStored: ['key'] })
  @ApiOperation({ summary: 'Create an API key; the key is in this response only (stored as its SHA-256)' })
  @ApiCreatedResponse({ type: ApiKeyWithSecretResponse })
  create(@Body() dto: CreateApiKeyDto): Promise<ApiKeyWithSecretResponse> {
    return this.keys.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys (never the keys themselves)' })
  @ApiOkResponse({ type: ApiKeyPageResponse })
  list(@Query() query: ListApiKeysQueryDto): Promise<ApiKeyPageResponse> {
    return this.keys.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an API key (not the key itself)' })
  @ApiOkResponse({ type: ApiKeyResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<ApiKeyResponse> {
    return this.keys.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke: fails at once on this instance, everywhere within the tenant cache TTL' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
