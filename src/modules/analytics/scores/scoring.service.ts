import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError, ErrorKind, type Settings } from '@app/common';
import { Failpoints, LeaseClaims, PublishesEvents, TenantContext } from '@app/tenancy';
import { type CustomerScanRow, CustomerService } from '../../customer';
import { analyticsSettings } from '../analytics.settings';
import { AnalyticsStateRepository } from '../analytics-state.repository';
import { type AheadOfWrite, AnalyticsEventPublisher } from '../event-publisher';
import { CustomerScoreChangedEvent, ScoreEventName } from '../events/analytics.events';
import { HEALTH_SIGNALS, type CustomerWorkSignals, type HealthSignalsSource } from '../health-signals';
import { HealthModelService } from '../health-model.service';
import { PURCHASE_HISTORY, type PurchaseHistorySource } from '../purchase-history';
import type { CustomerScore } from '../schemas/customer-score.schema';
import { type HealthModel, healthScore } from '../scoring/health';
import {
  type RfmEdges,
  type RfmScore,
  RfmSegment,
  type RfmValues,
  rfmValues,
  scoreAgainst,
  scorePopulation,
} from '../scoring/rfm';
import { ScoreRepository } from './score.repository';

const BATCH = 500;
/**
 * The outbox record type of each score event: the score's version is its `computedAt` (ms), so
 * recovery finds a change's write landed when the stored score was computed then or later.
 */
const SCORE_RECORD: Record<ScoreEventName, string> = {
  [ScoreEventName.SEGMENT_CHANGED]: 'customer_score.segment',
  [ScoreEventName.HEALTH_CHANGED]: 'customer_score.health',
};
/** How often a full recompute waiting for another instance's run of the same company looks again. */
const LEASE_POLL_MS = 500;

/** The quintile edges of a company's last full recompute. */
export interface CompanyEdges {
  edges: RfmEdges;
  asOf: string;
  windowDays: number;
  computedAt: string;
}

/** Where a test can make a score write stop as if the process died there (see Failpoints). */
export enum ScoreFailpoint {
  /** The changes' outbox entries are written; the scores are not. */
  BEFORE_SCORE_WRITE = 'analytics.before-score-write',
  /** The scores are written; their events are not yet handed over. */
  AFTER_SCORE_WRITE = 'analytics.after-score-write',
}

export const edgesKey = (companyId: string) => `edges:${companyId}`;

export interface RecomputeResult {
  customers: number;
  scored: number;
  written: number;
  changed: number;
}

/** What a customer's scores depend on besides purchases. */
type ScoredCustomer = Pick<CustomerScanRow, 'id' | 'companyId' | 'status' | 'lastActivityAt'> & CustomerWorkSignals;

/**
 * Keeps `customer_scores` current. A full recompute of a company scores its whole population at once
 * (quintiles are relative: edges move as others buy) and stores the edges; between full runs a
 * customer whose purchases, status, activities (tasks too) or open deals change is re-scored alone
 * against those edges. Writes only scores that changed, and announces segment and band changes to the
 * company room and webhooks.
 */
@PublishesEvents(Object.values(ScoreEventName))
@Injectable()
export class ScoringService {
  private readonly logger = new Logger(ScoringService.name);
  private readonly windowDays: number;
  /** Full recomputes in flight in this process, by database and company: callers share them. */
  private readonly running = new Map<string, Promise<RecomputeResult | null>>();
  private readonly leaseMs: number;

  constructor(
    private readonly scores: ScoreRepository,
    private readonly state: AnalyticsStateRepository,
    @Inject(PURCHASE_HISTORY) private readonly history: PurchaseHistorySource,
    @Inject(HEALTH_SIGNALS) private readonly signals: HealthSignalsSource,
    private readonly customers: CustomerService,
    private readonly models: HealthModelService,
    private readonly publisher: AnalyticsEventPublisher,
    private readonly context: TenantContext,
    private readonly claims: LeaseClaims,
    private readonly failpoints: Failpoints,
    @Inject(analyticsSettings.KEY) settings: Settings<typeof analyticsSettings>,
  ) {
    this.windowDays = settings.ANALYTICS_WINDOW_DAYS;
    this.leaseMs = settings.ANALYTICS_RECOMPUTE_LEASE_MS;
    const versionOf = async (id: string) => (await this.scores.findById(id))?.computedAt.getTime() ?? null;
    for (const type of Object.values(SCORE_RECORD)) this.publisher.registerRecordType(type, versionOf);
  }

  /**
   * Scores every live customer of the company as of `asOf`, and drops the stored scores of customers
   * no longer live. One run per company at a time across instances: under a lease in the tenant's
   * `record_locks`, so two runs never announce the same change twice. While another instance holds it,
   * waits for it and then runs (what that run read may predate the caller's change), unless
   * `ifFree` (the scheduled job): then returns null at once.
   */
  recomputeCompany(
    companyId: string,
    asOf = new Date(),
    opts: { ifFree?: boolean } = {},
  ): Promise<RecomputeResult | null> {
    const key = `${this.context.dbName}\u0000${companyId}`;
    let run = this.running.get(key);
    if (!run) {
      run = this.leasedRun(companyId, asOf, opts.ifFree ?? false).finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  /**
   * Re-scores one customer against its company's last edges (a full run first if there is none). A
   * customer gone (deleted, merged, erased) loses its stored score instead (when the caller sees every
   * company, as the system does).
   */
  async recomputeCustomer(customerId: string, asOf = new Date()): Promise<CustomerScore | null> {
    let customer: Awaited<ReturnType<CustomerService['get']>>;
    try {
      customer = await this.customers.get(customerId);
    } catch (e) {
      if (!(e instanceof DomainError) || (e.kind !== ErrorKind.NOT_FOUND && e.kind !== ErrorKind.GONE)) throw e;
      // Gone for good only when the caller sees every company: to one limited to some, a customer of
      // another company answers the same, and its score is not this caller's to drop.
      if (this.context.principal.companies === undefined) await this.scores.remove(customerId);
      return null;
    }
    const edges = await this.state.get<CompanyEdges>(edgesKey(customer.companyId));
    if (!edges) {
      await this.recomputeCompany(customer.companyId, asOf);
      return this.scores.findById(customerId);
    }
    const purchases = await this.history.ofCustomer(customerId);
    const values = rfmValues(purchases, { asOf, windowDays: this.windowDays });
    const rfm = values ? scoreAgainst(edges.data.edges, values) : null;
    const model = await this.models.current();
    const row: ScoredCustomer = {
      id: customer.id,
      companyId: customer.companyId,
      status: customer.status,
      ...(await this.signals.ofCustomer(customerId, asOf)),
    };
    const doc = scoreDoc(row, rfm, model, asOf);
    await this.persist([doc]);
    return doc;
  }

  private async leasedRun(companyId: string, asOf: Date, ifFree: boolean): Promise<RecomputeResult | null> {
    for (;;) {
      const claim = await this.claims.tryClaim(`analytics:recompute:${companyId}`, this.leaseMs);
      if (claim) {
        try {
          return await this.fullRun(companyId, asOf);
        } finally {
          await claim.release();
        }
      }
      if (ifFree) return null;
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
  }

  private async fullRun(companyId: string, asOf: Date): Promise<RecomputeResult> {
    const window = { asOf, windowDays: this.windowDays };
    const signalsOf = await this.signals.ofCompany(companyId, asOf);
    const live = new Map<string, ScoredCustomer>();
    for await (const r of this.customers.scan(companyId)) live.set(r.id, { ...r, ...signalsOf(r.id) });
    const ids: string[] = [];
    const values: RfmValues[] = [];
    for await (const c of this.history.customers({ companyIds: [companyId] })) {
      if (!live.has(c.customerId)) continue;
      const v = rfmValues(c.purchases, window);
      if (!v) continue;
      ids.push(c.customerId);
      values.push(v);
    }
    const { scores, edges } = scorePopulation(values);
    const rfmOf = new Map<string, RfmScore>(ids.map((id, i) => [id, scores[i]]));
    const model = await this.models.current();
    // What is stored, read in one pass: a lookup per batch would be a scan of the collection each on
    // FerretDB (200 of them for 100,000 customers). A fingerprint per score, not the score.
    const marks = new Map<string, StoredMark>();
    for await (const stored of this.scores.streamCompany(companyId)) marks.set(stored._id, markOf(stored));
    const result: RecomputeResult = { customers: live.size, scored: ids.length, written: 0, changed: 0 };
    let batch: CustomerScore[] = [];
    for (const row of live.values()) {
      batch.push(scoreDoc(row, rfmOf.get(row.id) ?? null, model, asOf));
      if (batch.length === BATCH) {
        this.add(result, await this.persist(batch, marks));
        batch = [];
      }
    }
    this.add(result, await this.persist(batch, marks));
    // Scores of customers deleted, merged or erased since they were stored: no longer anyone's.
    await this.scores.removeMany([...marks.keys()].filter((id) => !live.has(id)));
    const computed: CompanyEdges = {
      edges,
      asOf: asOf.toISOString(),
      windowDays: this.windowDays,
      computedAt: new Date().toISOString(),
    };
    await this.state.put(edgesKey(companyId), computed, this.context.actor);
    this.logger.debug({ companyId, ...result }, 'scores recomputed');
    return result;
  }

  private add(total: RecomputeResult, part: { written: number; changed: number }): void {
    total.written += part.written;
    total.changed += part.changed;
  }

  /**
   * Writes the scores that differ from the stored ones (`marks`: what the caller read of them; else they
   * are read here); announces changed segments and bands.
   */
  private async persist(
    docs: CustomerScore[],
    marks?: ReadonlyMap<string, StoredMark>,
  ): Promise<{ written: number; changed: number }> {
    if (!docs.length) return { written: 0, changed: 0 };
    const stored =
      marks ?? new Map((await this.scores.findMany(docs.map((d) => d._id))).map((s) => [s._id, markOf(s)]));
    const writes = docs.filter((d) => stored.get(d._id)?.content !== markOf(d).content);
    const events: AheadOfWrite[] = [];
    const tenantId = this.context.tenantId;
    const announce = (name: ScoreEventName, d: CustomerScore, from: string, to: string, detail: object) =>
      events.push({
        entityType: SCORE_RECORD[name],
        entityId: d._id,
        version: d.computedAt.getTime(),
        event: new CustomerScoreChangedEvent(name, tenantId, d.companyId, d._id, d.computedAt, from, to, { ...detail }),
      });
    for (const d of writes) {
      const before = stored.get(d._id);
      if (!before) continue;
      if (before.segment !== d.segment) {
        announce(ScoreEventName.SEGMENT_CHANGED, d, before.segment, d.segment, { code: d.rfm?.code ?? null });
      }
      if (before.band !== d.band) {
        announce(ScoreEventName.HEALTH_CHANGED, d, before.band, d.band, { score: d.healthScore });
      }
    }
    // Ahead of the write, so a change whose score landed reaches webhooks even if the process dies next.
    const prepared = await this.publisher.prepare(events);
    this.failpoints.check(ScoreFailpoint.BEFORE_SCORE_WRITE);
    try {
      await this.scores.save(writes, new Set(writes.filter((d) => stored.has(d._id)).map((d) => d._id)));
    } catch (e) {
      await this.publisher.abandon(prepared);
      throw e;
    }
    this.failpoints.check(ScoreFailpoint.AFTER_SCORE_WRITE);
    await this.publisher.committed(prepared);
    return { written: writes.length, changed: events.length };
  }
}

function scoreDoc(row: ScoredCustomer, rfm: RfmScore | null, model: HealthModel, asOf: Date): CustomerScore {
  const health = healthScore(model, {
    asOf,
    rfm,
    status: row.status,
    lastActivityAt: row.lastActivityAt,
    overdueTasks: row.overdueTasks,
    openOpportunityMinor: row.openOpportunityMinor,
  });
  return {
    _id: row.id,
    companyId: row.companyId,
    segment: rfm?.segment ?? RfmSegment.NO_PURCHASE,
    band: health.band,
    rfm,
    healthScore: health.score,
    components: health.components,
    asOf,
    computedAt: new Date(),
  };
}

/** What a score says (not when it was computed). */
/** What persist compares a new score with: a fingerprint of its content, and what events name. */
interface StoredMark {
  content: string;
  segment: string;
  band: string;
}

function markOf(s: CustomerScore): StoredMark {
  const content = createHash('sha256')
    .update(JSON.stringify([s.companyId, s.segment, s.band, s.rfm, s.healthScore, s.components]))
    .digest('base64');
  return { content, segment: s.segment, band: s.band };
}
