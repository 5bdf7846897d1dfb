import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { appSettings, NodeEnv, type Settings } from '@app/common';
import { discover, MaintenanceTaskProvider } from './registrations';
import { TenantDirectory } from './tenant-directory';
import { TenantStatus } from './tenant-record';
import { systemPrincipal, TenantRunner } from './tenant-runner';
import { tenancySettings } from './tenancy.settings';

/**
 * Housekeeping of one kind, run inside each active tenant's context: retention purges, expired
 * idempotency keys, old realtime events. FerretDB has no TTL indexes, so what MongoDB would expire by
 * itself is removed here (on MongoDB too, where it costs a cheap indexed delete).
 */
export interface MaintenanceTask {
  /** Names the task in reports and logs. */
  readonly name: string;
  /** Does the work for the current tenant; returns how many records it removed or changed. */
  run(now: Date): Promise<number>;
}

export interface MaintenanceReport {
  tenants: number;
  /** Records handled per task, over all tenants. */
  done: Record<string, number>;
  failed: string[];
}

const ACTOR = 'maintenance';

/**
 * Runs every `@MaintenanceTaskProvider()` in every active tenant each MAINTENANCE_INTERVAL_MS. Never
 * scheduled under NODE_ENV=test: tests call `runAll` / `runTenant` themselves.
 */
@Injectable()
export class TenantMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TenantMaintenance.name);
  private tasks?: MaintenanceTask[];
  private timer?: NodeJS.Timeout;
  private running?: Promise<MaintenanceReport>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly directory: TenantDirectory,
    private readonly runner: TenantRunner,
    @Inject(tenancySettings.KEY) private readonly settings: Settings<typeof tenancySettings>,
    @Inject(appSettings.KEY) private readonly app: Settings<typeof appSettings>,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.MAINTENANCE_INTERVAL_MS;
    if (this.app.NODE_ENV === NodeEnv.TEST || interval <= 0) return;
    this.timer = setInterval(() => {
      this.runAll().catch((err: unknown) => this.logger.error({ err }, 'tenant maintenance failed'));
    }, interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every active tenant; overlapping calls share the pass already running. */
  runAll(now = new Date()): Promise<MaintenanceReport> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Every task in the current tenant (inside runInTenant or a request). */
  async runTenant(now = new Date()): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const task of this.all()) done[task.name] = await task.run(now);
    return done;
  }

  private all(): MaintenanceTask[] {
    this.tasks ??= discover<MaintenanceTask>(this.discovery, MaintenanceTaskProvider);
    return this.tasks;
  }

  private async pass(now: Date): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { tenants: 0, done: {}, failed: [] };
    for (const tenant of await this.directory.list()) {
      if (tenant.status !== TenantStatus.ACTIVE) continue;
      try {
        const done = await this.runner.runInTenant(
          tenant._id,
          () => this.runTenant(now),
          systemPrincipal(tenant._id, ACTOR),
        );
        report.tenants++;
        for (const [name, n] of Object.entries(done)) report.done[name] = (report.done[name] ?? 0) + n;
      } catch (err) {
        // One broken tenant must not stop the others.
        report.failed.push(tenant._id);
        this.logger.error({ err, tenant: tenant._id }, 'tenant maintenance failed for tenant');
      }
    }
    if (Object.values(report.done).some((n) => n > 0)) this.logger.log(report, 'tenant maintenance done');
    return report;
  }
}
