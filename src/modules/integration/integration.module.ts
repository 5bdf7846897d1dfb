import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TenancyModule } from '@app/tenancy';
import { CompanyModule } from '../company';
import { ApiKeyController } from './api-keys/api-key.controller';
import { ApiKeyService } from './api-keys/api-key.service';
import { CLOCK, systemClock } from './clock';
import { IntegrationIsolationProbe } from './integration.isolation-probe';
import {
  ApiKeyCompanyCheck,
  WebhookCompanyCheck,
  WebhookDeliveryPurge,
  WebhookMaintenanceTask,
} from './integration.registrations';
import { integrationSettings } from './integration.settings';
import { DeliveryRepository } from './webhooks/delivery/delivery.repository';
import { WebhookDeliveryWorker } from './webhooks/delivery/delivery.worker';
import { WebhookDeliveryService } from './webhooks/delivery/webhook-delivery.service';
import { WebhookFanOut } from './webhooks/delivery/webhook-fan-out';
import { WebhookSender } from './webhooks/delivery/webhook-sender';
import { Webhook, WebhookSchema } from './webhooks/schemas/webhook.schema';
import { WebhookDelivery, WebhookDeliverySchema } from './webhooks/schemas/webhook-delivery.schema';
import { HOST_RESOLVER, systemResolver, WebhookUrlGuard } from './webhooks/ssrf/webhook-url.guard';
import { WebhookEndpoints } from './webhooks/webhook-endpoints';
import { WebhookController } from './webhooks/webhook.controller';
import { WebhookRepository } from './webhooks/webhook.repository';
import { WebhookService } from './webhooks/webhook.service';

/**
 * Integrations: signed webhooks delivered from the durable outbox (libs/tenancy), and API keys
 * (verified by libs/auth). Listens to nothing directly: the outbox hands it every landed event.
 */
@Module({
  imports: [
    TenancyModule.forFeature([
      { name: Webhook.name, schema: WebhookSchema },
      { name: WebhookDelivery.name, schema: WebhookDeliverySchema },
    ]),
    ConfigModule.forFeature(integrationSettings),
    CompanyModule,
  ],
  controllers: [WebhookController, ApiKeyController],
  providers: [
    // storage
    WebhookRepository,
    DeliveryRepository,
    // services
    WebhookService,
    WebhookDeliveryService,
    ApiKeyService,
    WebhookEndpoints,
    // delivery
    WebhookFanOut,
    WebhookDeliveryWorker,
    WebhookSender,
    WebhookUrlGuard,
    { provide: HOST_RESOLVER, useValue: systemResolver },
    { provide: CLOCK, useValue: systemClock },
    // registrations: isolation probe, company-deletion check, purge hook, housekeeping
    IntegrationIsolationProbe,
    WebhookCompanyCheck,
    ApiKeyCompanyCheck,
    WebhookDeliveryPurge,
    WebhookMaintenanceTask,
  ],
  exports: [WebhookService, ApiKeyService],
})
export class IntegrationModule {}
