import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Settings } from '@app/common';
import {
  FailpointCrash,
  Failpoints,
  LeaseClaims,
  Outbox,
  TenantContext,
  TenantDirectory,
  TenantRunner,
  TenantSets,
  TenantStatus,
} from '@app/tenancy';
import { CLOCK, type Clock } from '../../clock';
import { integrationSettings } from '../../integration.settings';
import { type WebhookLean, WebhookStatus } from '../schemas/webhook.schema';
import { DeliveryStatus, type WebhookDeliveryLean } from '../schemas/webhook-delivery.schema';
import { DisabledReason, WEBHOOK_TENANTS, WebhookService } from '../webhook.service';
import { WebhookEndpoints } from '../webhook-endpoints';
import { WebhookRepository } from '../webhook.repository';
import { type AttemptOutcome, DeliveryRepository } from './delivery.repository';
import {
  DEFAULT_FACTOR,
  DEFAULT_JITTER,
  DEFAULT_MAX_DELAY_MS,
  nextAttemptAt,
  type RetryPolicy,
} from './retry-schedule';
import { type SendResult, WebhookSender } from './webhook-sender';
import { signatureHeaders } from './webhook-signer';

/** Failpoints of delivery (see Failpoints). */
export enum DeliveryFailpoint {
  /** The attempt is claimed; nothing is sent yet. */
  AFTER_CLAIM = 'webhook.after-claim',
  /** The receiver answered; the attempt is not recorded yet. */
  AFTER_SEND = 'webhook.after-send',
}

/** The claim on one attempt of one delivery: two instances can never hold the same one. */
export function attemptClaimKey(deliveryId: string, attempts: number): string {
  return `webhook-delivery:${deliveryId}:${attempts}`;
}

/** Failed attempts (besides the time) before an endpoint may be disabled. */
const MIN_FAILURES_TO_DISABLE = 5;
const POLL_BATCH = 100;

/**
 * Sends webhook deliveries, at least once, across instances. New deliveries are attempted right away
 * by the instance that recorded them; every WEBHOOK_POLL_INTERVAL_MS each instance also settles the
 * stranded outbox entries of the tenants with endpoints and sends their due retries.
 *
 * Each attempt is claimed first (LeaseClaims: an insert on `webhook-delivery:<id>:<attempt number>`), so
 * two instances that both find a delivery due never send the same attempt twice; the holder re-reads
 * the delivery, sends, records the outcome (which moves it to the next attempt number) and releases. A
 * holder that dies leaves its lease to expire, and the attempt is made again (receivers deduplicate on
 * `webhook-id`). Outcomes: 2xx succeeded; 410 disables the endpoint; anything else (including
 * redirects, which are not followed, timeouts and SSRF refusals) is retried with exponential backoff
 * and jitter until WEBHOOK_RETRY_WINDOW_MS is spent, then the delivery is failed.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly policy: RetryPolicy;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly disableAfterMs: number;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly runner: TenantRunner,
    private readonly directory: TenantDirectory,
    private readonly tenantSets: TenantSets,
    private readonly context: TenantContext,
    private readonly outbox: Outbox,
    private readonly deliveries: DeliveryRepository,
    private readonly webhooks: WebhookRepository,
    private readonly endpoints: WebhookEndpoints,
    private readonly service: WebhookService,
    private readonly leases: LeaseClaims,
    private readonly sender: WebhookSender,
    private readonly failpoints: Failpoints,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(integrationSettings.KEY) settings: Settings<typeof integrationSettings>,
  ) {
    this.policy = {
      baseMs: settings.WEBHOOK_RETRY_BASE_MS,
      factor: DEFAULT_FACTOR,
      maxDelayMs: DEFAULT_MAX_DELAY_MS,
      windowMs: settings.WEBHOOK_RETRY_WINDOW_MS,
      jitter: DEFAULT_JITTER,
    };
    // An attempt takes at most the timeout plus a few database round trips.
    this.leaseMs = 3 * settings.WEBHOOK_TIMEOUT_MS + 2_000;
    this.concurrency = settings.WEBHOOK_CONCURRENCY;
    this.pollMs = settings.WEBHOOK_POLL_INTERVAL_MS;
    this.disableAfterMs = settings.WEBHOOK_DISABLE_AFTER_MS;
  }

  onApplicationBootstrap(): void {
    if (this.pollMs <= 0) return;
    this.timer = setInterval(() => void this.pollAll(), this.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.drain();
  }

  /** First attempts of deliveries just recorded, on this instance, without waiting for a poll. */
  kick(tenantId: string, deliveries: readonly WebhookDeliveryLean[]): void {
    for (const d of deliveries) this.track(this.inSlot(tenantId, () => this.attempt(d._id.toHexString(), d.attempts)));
  }

  /** One round over every tenant with endpoints; overlapping calls share the round running. */
  pollAll(): Promise<void> {
    this.polling ??= this.round().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** The current tenant's stranded outbox entries, then its due attempts. Returns how many were due. */
  async pollTenant(): Promise<number> {
    await this.outbox.recover();
    const due = await this.deliveries.due(this.clock.now(), POLL_BATCH);
    await this.attemptDue(due);
    return due.length;
  }

  /** Waits for every attempt this instance started (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Makes attempt number `attempts` of a delivery, if no other holder has claimed it and it is still
   * due at that number. Returns the delivery as it is afterwards (null if it is gone).
   */
  async attempt(id: string, attempts: number): Promise<WebhookDeliveryLean | null> {
    const claim = await this.leases.tryClaim(attemptClaimKey(id, attempts), this.leaseMs);
    if (!claim) return null;
    let crashed = false;
    try {
      this.failpoints.check(DeliveryFailpoint.AFTER_CLAIM);
      const d = await this.deliveries.findById(id);
      if (!d || d.status !== DeliveryStatus.PENDING || d.attempts !== attempts) return d;
      const w = await this.endpointFor(d);
      if (!w) return this.deliveries.findById(id);
      const result = await this.send(d, w);
      const outcome = this.outcomeOf(d, result);
      const updated = await this.deliveries.recordAttempt(d, outcome);
      if (!d.ping) await this.health(w, result, outcome.at);
      return updated;
    } catch (e) {
      // A simulated death keeps its lease, as a killed process would.
      crashed = e instanceof FailpointCrash;
      throw e;
    } finally {
      if (!crashed) await claim.release();
    }
  }

  /**
   * `attempt` for the due deliveries of one poll, with a few round trips in all instead of four each:
   * the claims in one insert, one re-read, the sends (WEBHOOK_CONCURRENCY at a time), the outcomes in
   * one bulk write, the releases in one delete. Same claims, re-checks and outcomes as `attempt`, so a
   * batch and single attempts (of this or another instance) never make one attempt twice. A failure
   * anywhere leaves the unrecorded attempts due: the next round makes them again (receivers
   * deduplicate on `webhook-id`).
   */
  private async attemptDue(due: readonly WebhookDeliveryLean[]): Promise<void> {
    if (!due.length) return;
    const keyOf = (d: WebhookDeliveryLean) => attemptClaimKey(d._id.toHexString(), d.attempts);
    const batch = await this.leases.tryClaimMany(due.map(keyOf), this.leaseMs);
    let crashed = false;
    try {
      this.failpoints.check(DeliveryFailpoint.AFTER_CLAIM);
      const mine = due.filter((d) => batch.keys.has(keyOf(d)));
      const fresh = await this.deliveries.findMany(mine.map((d) => d._id));
      const current = new Map(fresh.map((d) => [d._id.toHexString(), d]));
      const settled = await Promise.allSettled(
        mine.map((claimed) =>
          this.slot(async () => {
            const d = current.get(claimed._id.toHexString());
            if (!d || d.status !== DeliveryStatus.PENDING || d.attempts !== claimed.attempts) return null;
            const w = await this.endpointFor(d);
            if (!w) return null;
            return { d, w, result: await this.send(d, w) };
          }),
        ),
      );
      // Every send has ended before anything is recorded or released: no attempt stays in flight unclaimed.
      const crash = settled.find((r) => r.status === 'rejected' && r.reason instanceof FailpointCrash);
      if (crash) throw (crash as PromiseRejectedResult).reason;
      const done = settled.flatMap((r) => {
        if (r.status === 'fulfilled') return r.value ? [r.value] : [];
        this.logger.error({ err: r.reason }, 'webhook delivery attempt failed; the next round retries it');
        return [];
      });
      const outcomes = done.map(({ d, result }) => [d, this.outcomeOf(d, result)] as const);
      await this.deliveries.recordAttempts(outcomes);
      for (const [i, { d, w, result }] of done.entries()) {
        if (!d.ping) await this.health(w, result, outcomes[i][1].at);
      }
    } catch (e) {
      // A simulated death keeps its leases, as a killed process would (and, as for single attempts, the
      // round goes on).
      crashed = e instanceof FailpointCrash;
      this.logger.error(
        { err: e, tenant: this.context.tenantId },
        'webhook delivery batch failed; the next round retries it',
      );
    } finally {
      if (!crashed) await batch.release();
    }
  }

  /**
   * The endpoint a claimed, due delivery goes to, or null when it goes nowhere: its endpoint is gone (the
   * delivery is removed) or disabled (a real delivery ends failed; a ping still goes).
   */
  private async endpointFor(d: WebhookDeliveryLean): Promise<WebhookLean | null> {
    const w = await this.endpoints.byId(d.webhookId);
    if (!w) {
      await this.deliveries.deleteOne(d._id);
      return null;
    }
    if (w.status === WebhookStatus.DISABLED && !d.ping) {
      await this.deliveries.finish(d._id, 'the endpoint is disabled', this.clock.now());
      return null;
    }
    return w;
  }

  /** Signs and sends one attempt. */
  private async send(d: WebhookDeliveryLean, w: WebhookLean): Promise<SendResult> {
    const headers = signatureHeaders(w.secrets, d.messageId, d.body, new Date(), this.clock.now());
    const result = await this.sender.send(w.url, headers, d.body);
    this.failpoints.check(DeliveryFailpoint.AFTER_SEND);
    return result;
  }

  /** What an attempt's answer makes of its delivery: succeeded, failed, or pending with its next attempt. */
  private outcomeOf(d: WebhookDeliveryLean, r: SendResult): AttemptOutcome {
    const at = this.clock.now();
    const ok = isSuccess(r);
    const next =
      ok || r.statusCode === 410 || d.ping ? null : nextAttemptAt(d.attempts + 1, d.windowStart, at, this.policy);
    return {
      status: ok ? DeliveryStatus.SUCCEEDED : next ? DeliveryStatus.PENDING : DeliveryStatus.FAILED,
      nextAttemptAt: next,
      at,
      responseStatus: r.statusCode,
      durationMs: r.durationMs,
      responseBody: r.body,
      error: ok ? null : (r.error ?? failureOf(r.statusCode ?? 0)),
    };
  }

  /** The endpoint's health after a real delivery's attempt; disables it on 410 or a long failure. */
  private async health(w: WebhookLean, r: SendResult, at: Date): Promise<void> {
    const id = w._id.toHexString();
    const ok = isSuccess(r);
    const gone = r.statusCode === 410;
    // `w` may come from the endpoint cache: health changes drop it, and the disabling rule reads afresh.
    if (ok) {
      if (w.failingSince || w.failureCount) {
        await this.webhooks.recordSuccess(w._id);
        this.endpoints.invalidate();
      }
      return;
    }
    if (gone) return this.service.disable(id, DisabledReason.GONE);
    await this.webhooks.recordFailure(w._id, at);
    this.endpoints.invalidate();
    const fresh = await this.webhooks.findById(id);
    if (!fresh || fresh.status !== WebhookStatus.ACTIVE) return;
    const since = fresh.failingSince ?? at;
    if (fresh.failureCount >= MIN_FAILURES_TO_DISABLE && at.getTime() - since.getTime() >= this.disableAfterMs) {
      this.logger.warn({ webhook: id, since }, 'disabling a webhook that keeps failing');
      await this.service.disable(id, DisabledReason.FAILING);
    }
  }

  private async round(): Promise<void> {
    let tenants: string[];
    try {
      tenants = await this.tenantSets.members(WEBHOOK_TENANTS);
    } catch (err) {
      this.logger.warn({ err }, 'webhook tenants not read; next round');
      return;
    }
    for (const tenant of tenants) {
      const record = await this.directory.resolve(tenant).catch(() => undefined);
      if (record === null) {
        // The tenant is gone (its database with it): nothing left to deliver.
        await this.tenantSets.remove(WEBHOOK_TENANTS, tenant).catch(() => undefined);
        continue;
      }
      if (!record || record.status !== TenantStatus.ACTIVE) continue;
      try {
        await this.runner.runInTenant(tenant, () => this.pollTenant());
      } catch (err) {
        this.logger.error({ err, tenant }, 'webhook delivery round failed for tenant');
      }
    }
  }

  /** Runs `fn` in the tenant's context once one of WEBHOOK_CONCURRENCY slots is free. */
  private async inSlot<T>(tenantId: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await this.slot(() => this.runner.runInTenant(tenantId, fn));
    } catch (err) {
      this.logger.error({ err, tenant: tenantId }, 'webhook delivery attempt failed; the next round retries it');
      return null;
    }
  }

  /** Runs `fn` once one of WEBHOOK_CONCURRENCY slots is free (shared by single attempts and batches). */
  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private track(work: Promise<unknown>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }
}

function isSuccess(r: SendResult): boolean {
  return r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
}

function failureOf(status: number): string {
  if (status === 410) return 'the endpoint answered 410 Gone: disabled';
  if (status >= 300 && status < 400) return `the endpoint answered ${status} (redirects are not followed)`;
  return `the endpoint answered ${status}`;
}
