export { IntegrationModule } from './integration.module';
export { WebhookService } from './webhooks/webhook.service';
export { ApiKeyService } from './api-keys/api-key.service';
export { WebhookDeliveryWorker, DeliveryFailpoint } from './webhooks/delivery/delivery.worker';
export { CLOCK, type Clock } from './clock';
export { HOST_RESOLVER, type HostResolver } from './webhooks/ssrf/webhook-url.guard';
export { ApiKeyDomainEvent, ApiKeyEventName, WebhookDomainEvent, WebhookEventName } from './events/integration.events';
