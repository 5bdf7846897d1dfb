import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '@app/common';
import { type OutboxEventHead, TenantContext, tenancySettings } from '@app/tenancy';
import { matchesEvent } from './event-filters';
import { WebhookRepository } from './webhook.repository';
import { type WebhookLean, WebhookStatus } from './schemas/webhook.schema';

/** Endpoints per tenant at most (each is read on every write's subscription check, from the cache). */
export const MAX_WEBHOOKS = 100;

interface Entry {
  rows: WebhookLean[];
  readAt: number;
}

/**
 * The tenant's active endpoints, cached per process for TENANT_CACHE_TTL_MS: every versioned write asks
 * whether an endpoint wants its event (the outbox writes nothing otherwise), so this must not be a
 * query per write. Changes made through this instance drop the entry at once; other instances see them
 * within the TTL (an event written meanwhile follows the endpoints as they were).
 */
@Injectable()
export class WebhookEndpoints {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<WebhookLean[]>>();
  private readonly ttlMs: number;

  constructor(
    private readonly repo: WebhookRepository,
    private readonly context: TenantContext,
    @Inject(tenancySettings.KEY) settings: Settings<typeof tenancySettings>,
  ) {
    this.ttlMs = settings.TENANT_CACHE_TTL_MS;
  }

  /** Active endpoints of the current tenant that want the event. */
  async matching(head: OutboxEventHead): Promise<WebhookLean[]> {
    const rows = await this.active();
    return rows.filter(
      (w) =>
        matchesEvent(w.events, head.name) &&
        (w.companyIds.length === 0 || (head.companyId !== null && w.companyIds.includes(head.companyId))),
    );
  }

  /**
   * An endpoint of the current tenant for a delivery attempt: an active one from the cache (a change
   * made on another instance reaches attempts here within the TTL), any other from the database.
   */
  async byId(id: string): Promise<WebhookLean | null> {
    return (await this.active()).find((w) => w._id.toHexString() === id) ?? this.repo.findById(id);
  }

  invalidate(): void {
    const db = this.context.dbName;
    this.cache.delete(db);
    this.loading.delete(db);
  }

  private active(): Promise<WebhookLean[]> {
    const db = this.context.dbName;
    const hit = this.cache.get(db);
    if (hit && Date.now() - hit.readAt < this.ttlMs) return Promise.resolve(hit.rows);
    let pending = this.loading.get(db);
    if (!pending) {
      const readAt = Date.now();
      pending = this.repo
        .all(MAX_WEBHOOKS)
        .then((all) => {
          const rows = all.filter((w) => w.status === WebhookStatus.ACTIVE);
          if (this.loading.get(db) === pending && this.ttlMs > 0) this.cache.set(db, { rows, readAt });
          return rows;
        })
        .finally(() => {
          if (this.loading.get(db) === pending) this.loading.delete(db);
        });
      this.loading.set(db, pending);
    }
    return pending;
  }
}
