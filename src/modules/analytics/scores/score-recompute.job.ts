import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appSettings, NodeEnv, type Settings } from '@app/common';
import { systemPrincipal, TenantDirectory, TenantRunner, TenantStatus } from '@app/tenancy';
import { CompanyService } from '../../company';
import { analyticsSettings } from '../analytics.settings';
import { AnalyticsStateRepository } from '../analytics-state.repository';
import type { RecomputeResponse } from '../dto/analytics.response';
import { type CompanyEdges, edgesKey, ScoringService } from './scoring.service';

const RUN_ID = 'run';
const JOB = 'analytics-recompute';

interface RunState {
  startedAt: string;
  finishedAt: string | null;
}

/**
 * The scheduled full recompute (`@nestjs/schedule`, every ANALYTICS_RECOMPUTE_INTERVAL_MS on each
 * instance). Per tenant, company by company: a company is recomputed under a lease in the tenant's
 * `record_locks` (ScoringService.recomputeCompany), so across instances one recomputes it and the
 * others move on. The run is remembered in `analytics_state`: a company whose edges are newer than the
 * run's start is done, so a run cut short (crash, deploy) resumes with the companies it had not reached.
 */
@Injectable()
export class ScoreRecomputeJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScoreRecomputeJob.name);
  private running?: Promise<void>;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly directory: TenantDirectory,
    private readonly runner: TenantRunner,
    private readonly companies: CompanyService,
    private readonly scoring: ScoringService,
    private readonly state: AnalyticsStateRepository,
    @Inject(analyticsSettings.KEY) private readonly settings: Settings<typeof analyticsSettings>,
    @Inject(appSettings.KEY) private readonly app: Settings<typeof appSettings>,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.ANALYTICS_RECOMPUTE_INTERVAL_MS;
    if (this.app.NODE_ENV === NodeEnv.TEST || interval <= 0) return;
    const timer = setInterval(() => void this.runAll(), interval);
    timer.unref();
    this.scheduler.addInterval(JOB, timer);
  }

  /** One pass over every active tenant; overlapping calls share the pass already running. */
  runAll(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The current tenant's run: starts one, or resumes the unfinished one. */
  async runTenant(): Promise<RecomputeResponse> {
    const now = new Date();
    const previous = await this.state.get<RunState>(RUN_ID);
    const run: RunState =
      previous && !previous.data.finishedAt ? previous.data : { startedAt: now.toISOString(), finishedAt: null };
    if (run !== previous?.data) await this.state.put(RUN_ID, run, 'analytics');
    const result: RecomputeResponse = { companies: 0, customers: 0, written: 0, changed: 0 };
    let skipped = 0;
    const companies = (await this.companies.list()).map((c) => c.id).sort();
    for (const companyId of companies) {
      const edges = await this.state.get<CompanyEdges>(edgesKey(companyId));
      if (edges && edges.data.computedAt >= run.startedAt) continue;
      // Another instance is running this company (its lease): move on; this run stays unfinished.
      const r = await this.scoring.recomputeCompany(companyId, undefined, { ifFree: true });
      if (!r) {
        skipped++;
        continue;
      }
      result.companies++;
      result.customers += r.customers;
      result.written += r.written;
      result.changed += r.changed;
    }
    if (!skipped) await this.state.put(RUN_ID, { ...run, finishedAt: new Date().toISOString() }, 'analytics');
    return result;
  }

  private async pass(): Promise<void> {
    for (const tenant of await this.directory.list()) {
      if (tenant.status !== TenantStatus.ACTIVE) continue;
      try {
        await this.runner.runInTenant(tenant._id, () => this.runTenant(), systemPrincipal(tenant._id, 'analytics'));
      } catch (err) {
        // One broken tenant (or no ledger) must not stop the others.
        this.logger.warn({ err, tenant: tenant._id }, 'analytics recompute failed for tenant');
      }
    }
  }
}
