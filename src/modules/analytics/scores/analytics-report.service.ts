import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '@app/common';
import { CompanyService } from '../../company';
import { type CustomerScanRow, CustomerService } from '../../customer';
import { toMajor } from '../../../domain/money';
import { analyticsSettings } from '../analytics.settings';
import { AnalyticsError, AnalyticsErrorCode } from '../analytics.errors';
import { AnalyticsStateRepository } from '../analytics-state.repository';
import type { CohortQueryDto, RfmQueryDto } from '../dto/analytics-query.dto';
import type { CohortTableResponse, RfmReportResponse, RfmRowResponse } from '../dto/analytics.response';
import type { CustomerScoresResponse } from '../dto/scores.dto';
import { PURCHASE_HISTORY, type PurchaseHistorySource } from '../purchase-history';
import type { CustomerScore } from '../schemas/customer-score.schema';
import { CohortMetric, CohortTable, parseMonth } from '../scoring/cohorts';
import type { HealthBand } from '../scoring/health';
import { type RfmScore, RfmSegment, type RfmValues, rfmValues, scorePopulation } from '../scoring/rfm';
import { decodeAfter, encodeAfter } from './analytics-cursor';
import { ScoreRepository } from './score.repository';
import { type CompanyEdges, edgesKey, ScoringService } from './scoring.service';

const DEFAULT_PAGE = 50;

/** The read side: RFM report, one customer's scores, the cohort table. */
@Injectable()
export class AnalyticsReportService {
  private readonly windowDays: number;

  constructor(
    private readonly scores: ScoreRepository,
    private readonly scoring: ScoringService,
    private readonly state: AnalyticsStateRepository,
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    @Inject(PURCHASE_HISTORY) private readonly history: PurchaseHistorySource,
    @Inject(analyticsSettings.KEY) settings: Settings<typeof analyticsSettings>,
  ) {
    this.windowDays = settings.ANALYTICS_WINDOW_DAYS;
  }

  /** GET /customers/:id/scores: the stored scores (computed now if the customer has none yet). */
  async customerScores(customerId: string): Promise<CustomerScoresResponse> {
    const customer = await this.customers.get(customerId);
    const stored = (await this.scores.findById(customerId)) ?? (await this.scoring.recomputeCustomer(customerId));
    if (!stored) throw new Error(`no score for customer ${customerId} after recompute`);
    const edges = await this.state.get<CompanyEdges>(edgesKey(customer.companyId));
    return {
      customerId,
      companyId: stored.companyId,
      rfm: rfmResponse(stored.segment, stored.rfm),
      health: { score: stored.healthScore, band: stored.band as HealthBand, components: stored.components },
      asOf: stored.asOf.toISOString(),
      lastComputedAt: latest(stored.computedAt, edges?.data.computedAt).toISOString(),
    };
  }

  /**
   * GET /analytics/rfm. One company at the default window and today: the stored scores. Otherwise
   * (the whole tenant, a past date, another window) computed for the request from the ledger.
   */
  async rfm(query: RfmQueryDto): Promise<RfmReportResponse> {
    const companyIds = await this.scope(query.companyId);
    const windowDays = query.windowDays ?? this.windowDays;
    const limit = query.limit ?? DEFAULT_PAGE;
    const scopeKey = JSON.stringify([query.companyId ?? null, query.asOf ?? null, windowDays]);
    const after = query.cursor ? decodeAfter(query.cursor, scopeKey) : null;
    if (query.companyId && !query.asOf && windowDays === this.windowDays) {
      return this.storedRfm(query.companyId, after, limit, scopeKey);
    }
    const asOf = query.asOf ? new Date(query.asOf) : new Date();
    const live = await this.liveCustomers(companyIds);
    const ids: string[] = [];
    const values: RfmValues[] = [];
    for await (const c of this.history.customers({ companyIds })) {
      if (!live.has(c.customerId)) continue;
      const v = rfmValues(c.purchases, { asOf, windowDays });
      if (v) {
        ids.push(c.customerId);
        values.push(v);
      }
    }
    const { scores } = scorePopulation(values);
    const rfmOf = new Map<string, RfmScore>(ids.map((id, i) => [id, scores[i]]));
    const counts: Record<string, number> = {};
    const rows: RfmRowResponse[] = [];
    for (const c of [...live.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const rfm = rfmOf.get(c.id) ?? null;
      const segment = rfm?.segment ?? RfmSegment.NO_PURCHASE;
      counts[segment] = (counts[segment] ?? 0) + 1;
      if ((after === null || c.id > after) && rows.length <= limit) {
        rows.push({ customerId: c.id, companyId: c.companyId, ...rfmResponse(segment, rfm), lastComputedAt: null });
      }
    }
    const more = rows.length > limit;
    const data = rows.slice(0, limit);
    return {
      data,
      nextCursor: more ? encodeAfter(data[data.length - 1].customerId, scopeKey) : null,
      counts,
      asOf: asOf.toISOString(),
      windowDays,
      source: 'live',
      lastComputedAt: null,
    };
  }

  /** GET /analytics/cohorts: computed from the ledger for the request, one customer at a time. */
  async cohorts(query: CohortQueryDto): Promise<CohortTableResponse> {
    if (query.from && query.to && query.from > query.to) {
      throw new AnalyticsError(AnalyticsErrorCode.INVALID_PERIOD, 'from must not be after to.');
    }
    const companyIds = await this.scope(query.companyId);
    const metric = query.metric ?? CohortMetric.CUSTOMERS;
    const asOf = query.asOf ? new Date(query.asOf) : new Date();
    const table = new CohortTable(
      metric,
      asOf,
      query.from ? parseMonth(query.from) : undefined,
      query.to ? parseMonth(query.to) : undefined,
    );
    // A company at a time, holding only its live customers' ids: cohorts need no population-wide state
    // beyond the table itself, so the whole tenant is never in memory at once.
    for (const companyId of companyIds) {
      const live = new Set<string>();
      for await (const r of this.customers.scan(companyId)) live.add(r.id);
      for await (const c of this.history.customers({ companyIds: [companyId] })) {
        if (live.has(c.customerId)) table.add(c.purchases);
      }
    }
    const money = metric === CohortMetric.REVENUE;
    return {
      metric,
      by: 'month',
      asOf: asOf.toISOString(),
      data: table.result().map((row) => ({
        ...row,
        periods: row.periods.map((p) => ({ ...p, value: money && p.value !== null ? toMajor(p.value) : p.value })),
      })),
    };
  }

  private async storedRfm(
    companyId: string,
    after: string | null,
    limit: number,
    scopeKey: string,
  ): Promise<RfmReportResponse> {
    let edges = await this.state.get<CompanyEdges>(edgesKey(companyId));
    if (!edges) {
      await this.scoring.recomputeCompany(companyId);
      edges = await this.state.get<CompanyEdges>(edgesKey(companyId));
    }
    const [rows, counts] = await Promise.all([
      this.scores.page([companyId], after, limit + 1),
      this.scores.countBySegment([companyId]),
    ]);
    const data = rows.slice(0, limit).map((s: CustomerScore) => ({
      customerId: s._id,
      companyId: s.companyId,
      ...rfmResponse(s.segment, s.rfm),
      lastComputedAt: latest(s.computedAt, edges?.data.computedAt).toISOString(),
    }));
    return {
      data,
      nextCursor: rows.length > limit ? encodeAfter(data[data.length - 1].customerId, scopeKey) : null,
      counts: Object.fromEntries(counts),
      asOf: edges?.data.asOf ?? new Date().toISOString(),
      windowDays: this.windowDays,
      source: 'stored',
      lastComputedAt: edges?.data.computedAt ?? null,
    };
  }

  /** The companies a report covers: the one asked for (if visible), else every visible one. */
  private async scope(companyId: string | undefined): Promise<string[]> {
    if (companyId) {
      await this.companies.assertVisible(companyId);
      return [companyId];
    }
    return (await this.companies.list()).map((c) => c.id);
  }

  /**
   * Live (not deleted) customers of the companies. A past view keeps today's customers: one created
   * later with purchases dated before `asOf` (an import) belongs in it, one without is `no_purchase`.
   */
  private async liveCustomers(companyIds: readonly string[]): Promise<Map<string, CustomerScanRow>> {
    const live = new Map<string, CustomerScanRow>();
    for (const companyId of companyIds) {
      for await (const r of this.customers.scan(companyId)) live.set(r.id, r);
    }
    return live;
  }
}

function rfmResponse(segment: string, rfm: RfmScore | null) {
  return {
    segment: segment as RfmSegment,
    r: rfm?.r ?? null,
    f: rfm?.f ?? null,
    m: rfm?.m ?? null,
    code: rfm?.code ?? null,
    recencyDays: rfm?.recencyDays ?? null,
    frequency: rfm?.frequency ?? null,
    monetary: rfm ? toMajor(rfm.monetaryMinor) : null,
  };
}

function latest(a: Date, b: string | undefined): Date {
  return b && new Date(b) > a ? new Date(b) : a;
}
