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
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import {
  ListDeliveriesQueryDto,
  WebhookDeliveryPageResponse,
  WebhookDeliveryResponse,
} from './dto/webhook-delivery.dto';
import {
  CreateWebhookDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
  WebhookPageResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto';
import { WebhookService } from './webhook.service';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'ETag ("<version>") of the webhook read; stale → 412',
};

@ApiTags('webhooks')
@ApiProblemResponses(
  [409, 'Limit reached, webhook disabled, or a delivery in progress'],
  [412, 'If-Match names another version'],
)
@MinRole(Role.ADMIN)
@UseInterceptors(VersionETagInterceptor)
@Controller('webhooks')
export class WebhookController {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  @Post()
  @CreatesResource()
  @Idempotent({ notStored: ['secret'] })
  @ApiOperation({ summary: 'Register an endpoint; the signing secret (whsec_…) is in this response only' })
  @ApiCreatedResponse({ type: WebhookWithSecretResponse })
  create(@Body() dto: CreateWebhookDto): Promise<WebhookWithSecretResponse> {
    return this.webhooks.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the endpoints (never their secrets)' })
  @ApiOkResponse({ type: WebhookPageResponse })
  list(@Query() query: ListWebhooksQueryDto): Promise<WebhookPageResponse> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an endpoint' })
  @ApiOkResponse({ type: WebhookResponse })
  get(@Param('id', ParseObjectIdPipe) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, events, companies or description; status disabled/active' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: UpdateWebhookDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(id, dto, version);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse({ description: 'Deleted, with its delivery log' })
  async remove(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<void> {
    await this.webhooks.remove(id, version);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Idempotent({ notStored: ['secret'] })
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'New signing secret (in this response only); the old one signs alongside for 24 h' })
  @ApiOkResponse({ type: WebhookWithSecretResponse })
  rotate(
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number | undefined,
  ): Promise<WebhookWithSecretResponse> {
    return this.webhooks.rotateSecret(id, version);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Send a webhook.ping now (one attempt) and answer with the delivery' })
  @ApiOkResponse({ type: WebhookDeliveryResponse })
  test(@Param('id', ParseObjectIdPipe) id: string): Promise<WebhookDeliveryResponse> {
    return this.deliveries.ping(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log of the endpoint, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryPageResponse })
  listDeliveries(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageResponse> {
    return this.deliveries.list(id, query);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Attempt a delivery again now, with a fresh retry window' })
  @ApiOkResponse({ type: WebhookDeliveryResponse })
  retry(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('deliveryId', ParseObjectIdPipe) deliveryId: string,
  ): Promise<WebhookDeliveryResponse> {
    return this.deliveries.retry(id, deliveryId);
  }
}
