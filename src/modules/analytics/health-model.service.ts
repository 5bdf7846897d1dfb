import { Inject, Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { diffFields } from '@app/common';
import { AUDIT_SINK, type AuditSink, PublishesEvents, TenantContext } from '@app/tenancy';
import { AnalyticsError, AnalyticsErrorCode } from './analytics.errors';
import { AnalyticsStateRepository } from './analytics-state.repository';
import type { HealthModelDto, HealthModelResponse } from './dto/health-model.dto';
import { AnalyticsEventPublisher } from './event-publisher';
import { HealthModelChangedEvent, HealthModelEventName } from './events/analytics.events';
import { DEFAULT_HEALTH_MODEL, HealthComponentKey, type HealthModel } from './scoring/health';

const HEALTH_MODEL_ID = 'health-model';
export const HEALTH_MODEL_ENTITY = 'health_model';

/** The tenant's health model (weights and band thresholds); the default until an admin sets one. */
@PublishesEvents(Object.values(HealthModelEventName))
@Injectable()
export class HealthModelService {
  constructor(
    private readonly state: AnalyticsStateRepository,
    private readonly context: TenantContext,
    private readonly publisher: AnalyticsEventPublisher,
    private readonly cls: ClsService,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  async current(): Promise<HealthModel> {
    return (await this.state.get<HealthModel>(HEALTH_MODEL_ID))?.data ?? DEFAULT_HEALTH_MODEL;
  }

  async get(): Promise<HealthModelResponse> {
    const doc = await this.state.get<HealthModel>(HEALTH_MODEL_ID);
    return doc
      ? {
          ...doc.data,
          version: doc.version,
          isDefault: false,
          updatedAt: doc.updatedAt.toISOString(),
          updatedBy: doc.updatedBy,
        }
      : { ...DEFAULT_HEALTH_MODEL, version: 0, isDefault: true, updatedAt: null, updatedBy: null };
  }

  /** Replaces the model; with If-Match only at that version (the default is version 0). */
  async put(dto: HealthModelDto, expectedVersion?: number): Promise<HealthModelResponse> {
    const next: HealthModel = {
      weights: Object.fromEntries(
        Object.values(HealthComponentKey).map((k) => [k, dto.weights[k]]),
      ) as HealthModel['weights'],
      thresholds: { green: dto.thresholds.green, yellow: dto.thresholds.yellow },
    };
    if (next.thresholds.yellow >= next.thresholds.green) {
      throw new AnalyticsError(
        AnalyticsErrorCode.HEALTH_MODEL_INVALID,
        'thresholds.yellow must be below thresholds.green.',
      );
    }
    if (Object.values(next.weights).every((w) => w === 0)) {
      throw new AnalyticsError(AnalyticsErrorCode.HEALTH_MODEL_INVALID, 'At least one weight must be above 0.');
    }
    const before = await this.get();
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AnalyticsError(
        AnalyticsErrorCode.HEALTH_MODEL_VERSION_MISMATCH,
        `The health model is at version ${before.version}, the request expected ${expectedVersion}. Reload and retry.`,
        { currentVersion: before.version },
      );
    }
    const actor = this.context.actor;
    if (!(await this.state.putIfVersion(HEALTH_MODEL_ID, before.version, next, actor))) {
      throw new AnalyticsError(
        AnalyticsErrorCode.HEALTH_MODEL_VERSION_MISMATCH,
        'The health model changed meanwhile. Reload and retry.',
      );
    }
    const after = await this.get();
    const at = new Date();
    const changes = diffFields(
      { weights: before.weights, thresholds: before.thresholds },
      { weights: after.weights, thresholds: after.thresholds },
    );
    await this.audit.record({
      action: HealthModelEventName.CHANGED,
      entityType: HEALTH_MODEL_ENTITY,
      entityId: HEALTH_MODEL_ID,
      companyId: null,
      changes,
      at,
    });
    await this.publisher.publish(
      new HealthModelChangedEvent(
        this.context.tenantId,
        actor,
        at,
        next,
        this.cls.isActive() ? this.cls.getId() : undefined,
      ),
    );
    return after;
  }
}
