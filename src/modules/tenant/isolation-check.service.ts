import { Injectable } from '@nestjs/common';
import { IsolationCheck, IsolationProbeRegistry, systemPrincipal, TenantRunner } from '@app/tenancy';
import { IsolationReport } from './dto/isolation-check.dto';
import { TenantError, TenantErrorCode } from './tenant.errors';
import { TenantService } from './tenant.service';

const ACTOR = 'isolation-check';

/**
 * Plants probe data in tenant A through the real services, attacks it as tenant B, checks that
 * A's data is unchanged, and removes every probe record. Each module contributes its probe.
 */
@Injectable()
export class IsolationCheckService {
  constructor(
    private readonly tenants: TenantService,
    private readonly probes: IsolationProbeRegistry,
    private readonly runner: TenantRunner,
  ) {}

  async run(tenantA: string, tenantB: string): Promise<IsolationReport> {
    if (tenantA === tenantB) {
      throw new TenantError(TenantErrorCode.SAME_TENANT, 'tenantA and tenantB must be different tenants.');
    }
    const [a, b] = await Promise.all([this.tenants.get(tenantA), this.tenants.get(tenantB)]);
    const checks: IsolationCheck[] = [
      {
        name: 'tenancy: separate databases',
        passed: a.dbName !== b.dbName,
        detail: `${a.dbName} vs ${b.dbName}`,
      },
    ];
    const asA = <T>(fn: () => Promise<T>) => this.runner.runInTenant(tenantA, fn, systemPrincipal(tenantA, ACTOR));
    const asB = <T>(fn: () => Promise<T>) => this.runner.runInTenant(tenantB, fn, systemPrincipal(tenantB, ACTOR));

    for (const probe of this.probes.all()) {
      let fixture: unknown;
      let planted = false;
      try {
        fixture = await asA(() => probe.plant());
        planted = true;
        const attacked = await asB(() => probe.attack(fixture));
        const verified = await asA(() => probe.verify(fixture));
        checks.push(...[...attacked, ...verified].map((c) => ({ ...c, name: `${probe.kind}: ${c.name}` })));
      } catch (e) {
        checks.push({ name: `${probe.kind}: probe ran`, passed: false, detail: (e as Error).message });
      } finally {
        if (planted) {
          await asA(() => probe.cleanup(fixture)).catch((e: Error) =>
            checks.push({ name: `${probe.kind}: cleanup`, passed: false, detail: e.message }),
          );
        }
      }
    }
    return { success: checks.every((c) => c.passed), tenantA, tenantB, checks };
  }
}
