import type { Provider } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_MODEL, IdempotencyStore } from './idempotency.store';

/**
 * The providers a module needs for `@Idempotent()` routes. The module also registers the
 * schema with its tenant model layer and passes that model's injection token here:
 *
 *   imports: [TenancyModule.forFeature([{ name: IDEMPOTENCY_RECORD, schema: IdempotencyRecordSchema }])],
 *   providers: [...idempotencyProviders(getTenantModelToken(IDEMPOTENCY_RECORD))],
 */
export function idempotencyProviders(tenantModelToken: string): Provider[] {
  return [{ provide: IDEMPOTENCY_MODEL, useExisting: tenantModelToken }, IdempotencyStore, IdempotencyInterceptor];
}
