import { Inject, Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { diffFields } from '@app/common';
import { AUDIT_SINK, type AuditSink, Failpoints, PublishesEvents, RecordLock, TenantContext } from '@app/tenancy';
import { AnalyticsError, AnalyticsErrorCode } from './analytics.errors';
import { AnalyticsStateRepository } from './analytics-state.repository';
import type { HealthModelDto, HealthModelResponse } from './dto/health-model.dto';
import { AnalyticsEventPublisher } from './event-publisher';
import { HealthModelChangedEvent, HealthModelEventName } from './events/analytics.events';
import { DEFAULT_HEALTH_MODEL, HealthComponentKey, type HealthModel } from './scoring/health';

const HEALTH_MODEL_ID = 'health-model';
export const HEALTH_MODEL_ENTITY = 'health_model';

/** Where a test can make a model change stop as if the process died there (see Failpoints). */
export enum HealthModelFailpoint {
  /** The model is written; its event is not yet handed over. */
  AFTER_WRITE = 'analytics.after-health-model-write',
}

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
    private readonly lock: RecordLock,
    private readonly failpoints: Failpoints,
  ) {
    // Outbox recovery asks this for the version a change's entry names (the model has one record).
    publisher.registerRecordType(
      HEALTH_MODEL_ENTITY,
      async () => (await this.state.get(HEALTH_MODEL_ID))?.version ?? null,
    );
  }

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

  /**
   * Replaces the model; with If-Match only at that version (the default is version 0). Under the
   * model's record lock (FerretDB's conditional update is not atomic), with its event recorded in the
   * outbox ahead of the write, as a versioned record's is.
   */
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
    return this.lock.run(`${HEALTH_MODEL_ENTITY}:${HEALTH_MODEL_ID}`, () => this.putLocked(next, expectedVersion));
  }

  private async putLocked(next: HealthModel, expectedVersion: number | undefined): Promise<HealthModelResponse> {
    const before = await this.get();
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AnalyticsError(
        AnalyticsErrorCode.HEALTH_MODEL_VERSION_MISMATCH,
        `The health model is at version ${before.version}, the request expected ${expectedVersion}. Reload and retry.`,
        { currentVersion: before.version },
      );
    }
    const actor = this.context.actor;
    const at = new Date();
    const event = new HealthModelChangedEvent(
      this.context.tenantId,
      actor,
      at,
      next,
      this.cls.isActive() ? this.cls.getId() : undefined,
    );
    const version = before.version + 1;
    const prepared = await this.publisher.prepare([
      { entityType: HEALTH_MODEL_ENTITY, entityId: HEALTH_MODEL_ID, version, event },
    ]);
    let written: boolean;
    try {
      written = await this.state.putIfVersion(HEALTH_MODEL_ID, before.version, next, actor);
    } catch (e) {
      await this.publisher.abandon(prepared);
      throw e;
    }
    if (!written) {
      await this.publisher.abandon(prepared);
      throw new AnalyticsError(
        AnalyticsErrorCode.HEALTH_MODEL_VERSION_MISMATCH,
        'The health model changed meanwhile. Reload and retry.',
      );
    }
    this.failpoints.check(HealthModelFailpoint.AFTER_WRITE);
    const after = await this.get();
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
    await this.publisher.committed(prepared);
    return after;
  }
}
