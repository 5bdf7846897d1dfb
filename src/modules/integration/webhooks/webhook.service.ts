import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { canSeeCompany, decodeCursor, pageOf, type Principal, queryScope, type SortSpec } from '@app/common';
import {
  DomainEventCatalog,
  PublishesEvents,
  PurgeHooks,
  type RecordWriter,
  TenantContext,
  TenantSets,
  VersionedWriter,
} from '@app/tenancy';
import { CompanyService } from '../../company';
import { CLOCK, type Clock } from '../clock';
import { WebhookDomainEvent, WebhookEventName } from '../events/integration.events';
import { fieldRefused, IntegrationError, IntegrationErrorCode, webhookNotFound } from '../integration.errors';
import { companyScope } from '../company-scope';
import { DeliveryRepository } from './delivery/delivery.repository';
import type {
  CreateWebhookDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
  WebhookPageResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto';
import { unknownFilters } from './event-filters';
import { WebhookUrlGuard, WebhookUrlRefused } from './ssrf/webhook-url.guard';
import { MAX_WEBHOOKS, WebhookEndpoints } from './webhook-endpoints';
import { toWebhookResponse } from './webhook.mapper';
import { WebhookRepository } from './webhook.repository';
import { type Webhook, type WebhookLean, type WebhookSecret, WebhookStatus } from './schemas/webhook.schema';

export const WEBHOOK_ENTITY = 'webhook';
/** The registry set of tenants that have endpoints: the delivery loop polls only these. */
export const WEBHOOK_TENANTS = 'webhooks';
/** A rotated-out secret keeps signing alongside the new one this long. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
/** Secrets signing at once, at most (rotations within a day pile up). */
const MAX_SECRETS = 3;
const DEFAULT_PAGE = 25;
const BY_CREATION: SortSpec = { key: 'createdAt', field: 'createdAt', kind: 'date', direction: 1 };

/** Why an endpoint was disabled. */
export enum DisabledReason {
  MANUAL = 'manual',
  GONE = 'gone',
  FAILING = 'failing',
}

/** A new signing secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Webhook endpoints of the current tenant (admins only). Every write goes through the shared
 * versioned writer (audited, evented, ETag'd). A principal limited to some companies sees and manages
 * only endpoints filtered to those companies, and must name them when it registers one.
 */
@PublishesEvents(Object.values(WebhookEventName))
@Injectable()
export class WebhookService {
  readonly records: RecordWriter<WebhookLean, WebhookResponse>;

  constructor(
    private readonly repo: WebhookRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly companies: CompanyService,
    private readonly context: TenantContext,
    private readonly catalog: DomainEventCatalog,
    private readonly urls: WebhookUrlGuard,
    private readonly endpoints: WebhookEndpoints,
    private readonly tenantSets: TenantSets,
    private readonly purgeHooks: PurgeHooks,
    @Inject(CLOCK) private readonly clock: Clock,
    writer: VersionedWriter,
  ) {
    this.records = writer.for({
      entityType: WEBHOOK_ENTITY,
      store: repo,
      toResponse: toWebhookResponse,
      companyOf: () => null,
      visible: (w) => canSeeWebhook(this.context.principal, w),
      notFound: webhookNotFound,
      stale: (expected, actual) =>
        new IntegrationError(
          IntegrationErrorCode.WEBHOOK_VERSION_MISMATCH,
          `Webhook is at version ${actual}, the request expected ${expected}. Reload and retry.`,
          { currentVersion: actual },
        ),
      busy: () => new IntegrationError(IntegrationErrorCode.WEBHOOK_WRITE_CONFLICT, 'The webhook is changing; retry.'),
      notAudited: ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'failingSince'],
      event: (w) =>
        new WebhookDomainEvent(w.name as WebhookEventName, w.tenantId, w.actor, w.at, w.after, w.changes, w.requestId),
    });
  }

  /**
   * Registers an endpoint. `opts.checkUrl: false` is for trusted internal callers only (the isolation
   * probe registers a `.invalid` URL that must never be resolved or called).
   */
  async create(dto: CreateWebhookDto, opts: { checkUrl?: boolean } = {}): Promise<WebhookWithSecretResponse> {
    if ((await this.repo.count()) >= MAX_WEBHOOKS) {
      throw new IntegrationError(
        IntegrationErrorCode.WEBHOOK_LIMIT_REACHED,
        `A tenant may have at most ${MAX_WEBHOOKS} webhooks.`,
      );
    }
    const events = this.checkedEvents(dto.events);
    const companyIds = (await companyScope(this.context.principal, this.companies, dto.companyIds)) ?? [];
    if (opts.checkUrl !== false) await this.checkUrl(dto.url);
    const secret = newSigningSecret();
    const created = await this.records.create(
      (at) => ({
        url: dto.url,
        events,
        companyIds,
        description: dto.description ?? null,
        status: WebhookStatus.ACTIVE,
        disabledReason: null,
        disabledAt: null,
        secrets: [{ value: secret, createdAt: at, expiresAt: null }],
        failingSince: null,
        failureCount: 0,
      }),
      WebhookEventName.CREATED,
    );
    this.endpoints.invalidate();
    await this.tenantSets.add(WEBHOOK_TENANTS, this.context.tenantId);
    return { ...created, secret };
  }

  async list(query: ListWebhooksQueryDto): Promise<WebhookPageResponse> {
    const scope = queryScope({});
    const after = query.cursor ? decodeCursor(query.cursor, BY_CREATION, scope) : undefined;
    const rows = (await this.repo.all(MAX_WEBHOOKS))
      .filter((w) => canSeeWebhook(this.context.principal, w))
      .filter((w) => !after || isAfter(w, after.value as Date, after.id.toHexString()))
      .sort(byCreation);
    const page = pageOf(rows, query.limit ?? DEFAULT_PAGE, BY_CREATION, scope);
    return { data: page.rows.map(toWebhookResponse), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<WebhookResponse> {
    return toWebhookResponse(await this.records.load(id));
  }

  /** The stored endpoint (with its secrets) if the caller may see it; else webhook.not_found. */
  load(id: string): Promise<WebhookLean> {
    return this.records.load(id);
  }

  async update(id: string, dto: UpdateWebhookDto, expectedVersion?: number): Promise<WebhookResponse> {
    // Another tenant's id (or one outside the caller's companies) is a 404 before anything else runs.
    const current = await this.records.load(id);
    const events = dto.events ? this.checkedEvents(dto.events) : undefined;
    const companyIds =
      dto.companyIds !== undefined
        ? ((await companyScope(this.context.principal, this.companies, dto.companyIds)) ?? [])
        : undefined;
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    const disabling = dto.status === WebhookStatus.DISABLED && current.status !== WebhookStatus.DISABLED;
    const updated = await this.records.mutate(
      id,
      disabling ? WebhookEventName.DISABLED : WebhookEventName.UPDATED,
      (w, at) => {
        const set: Partial<Webhook> = {};
        if (dto.url !== undefined && dto.url !== w.url) set.url = dto.url;
        if (events && !sameList(events, w.events)) set.events = events;
        if (companyIds && !sameList(companyIds, w.companyIds)) set.companyIds = companyIds;
        if (dto.description !== undefined && dto.description !== w.description) set.description = dto.description;
        if (dto.status !== undefined && dto.status !== w.status) {
          Object.assign(set, statusChange(dto.status, DisabledReason.MANUAL, at));
        }
        return Object.keys(set).length ? { set } : null;
      },
      { expectedVersion },
    );
    this.endpoints.invalidate();
    if (updated.status === WebhookStatus.DISABLED) await this.endDeliveries(id);
    return updated;
  }

  /** Deletes an endpoint and its delivery log; `leaveNoTrace` (isolation probes) erases its audit trail too. */
  async remove(id: string, expectedVersion?: number, opts: { leaveNoTrace?: boolean } = {}): Promise<void> {
    await this.records.remove(id, WebhookEventName.DELETED, { expectedVersion });
    this.endpoints.invalidate();
    await this.deliveries.deleteForWebhook(id);
    if (opts.leaveNoTrace) {
      await this.purgeHooks.run({ entityType: WEBHOOK_ENTITY, entityId: id, companyId: null, leaveNoTrace: true });
    }
    if ((await this.repo.count()) === 0) await this.tenantSets.remove(WEBHOOK_TENANTS, this.context.tenantId);
  }

  /** A new current secret; the previous ones keep signing alongside it for SECRET_OVERLAP_MS. */
  async rotateSecret(id: string, expectedVersion?: number): Promise<WebhookWithSecretResponse> {
    const secret = newSigningSecret();
    const now = this.clock.now();
    const rotated = await this.records.mutate(
      id,
      WebhookEventName.SECRET_ROTATED,
      (w, at) => {
        const overlapEnd = new Date(now.getTime() + SECRET_OVERLAP_MS);
        const previous: WebhookSecret[] = w.secrets
          .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
          .map((s) => ({ value: s.value, createdAt: s.createdAt, expiresAt: s.expiresAt ?? overlapEnd }));
        return {
          set: { secrets: [{ value: secret, createdAt: at, expiresAt: null }, ...previous].slice(0, MAX_SECRETS) },
        };
      },
      { expectedVersion },
    );
    this.endpoints.invalidate();
    return { ...rotated, secret };
  }

  /** Disables an endpoint for the delivery loop (410 Gone, or failing too long): audited, announced. */
  async disable(id: string, reason: DisabledReason): Promise<void> {
    await this.records.mutate(id, WebhookEventName.DISABLED, (w, at) =>
      w.status === WebhookStatus.DISABLED ? null : { set: statusChange(WebhookStatus.DISABLED, reason, at) },
    );
    this.endpoints.invalidate();
    await this.endDeliveries(id);
  }

  /** Endpoints filtered to a company (company deletion check). */
  filteredTo(companyId: string): Promise<number> {
    return this.repo.countFilteredTo(companyId);
  }

  private async endDeliveries(id: string): Promise<void> {
    await this.deliveries.failPending(id, 'the endpoint is disabled', this.clock.now());
  }

  private checkedEvents(filters: string[]): string[] {
    const unique = [...new Set(filters)];
    const unknown = unknownFilters(unique, this.catalog.names());
    if (unknown.length) {
      throw fieldRefused(
        IntegrationErrorCode.WEBHOOK_UNKNOWN_EVENT,
        'events',
        `No published event matches ${unknown.join(', ')}.`,
      );
    }
    return unique;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.urls.check(url);
    } catch (e) {
      if (e instanceof WebhookUrlRefused) throw fieldRefused(IntegrationErrorCode.WEBHOOK_URL_REFUSED, 'url', e.reason);
      throw e;
    }
  }
}

/** A principal limited to companies sees the endpoints filtered to some of those companies only. */
export function canSeeWebhook(principal: Principal, w: Pick<WebhookLean, 'companyIds'>): boolean {
  if (principal.companies === undefined) return true;
  return w.companyIds.length > 0 && w.companyIds.every((c) => canSeeCompany(principal, c));
}

function statusChange(status: WebhookStatus, reason: DisabledReason, at: Date): Partial<Webhook> {
  return status === WebhookStatus.DISABLED
    ? { status, disabledReason: reason, disabledAt: at }
    : { status, disabledReason: null, disabledAt: null, failingSince: null, failureCount: 0 };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function byCreation(a: WebhookLean, b: WebhookLean): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString());
}

function isAfter(w: WebhookLean, at: Date, id: string): boolean {
  const t = w.createdAt.getTime();
  return t > at.getTime() || (t === at.getTime() && w._id.toHexString() > id);
}
