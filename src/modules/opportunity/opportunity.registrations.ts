import { Injectable } from '@nestjs/common';
import {
  type PurgedRecord,
  type PurgeHook,
  PurgeHookProvider,
  PurgeHooks,
  type TenantMigration,
  TenantMigrationProvider,
} from '@app/tenancy';
import { type CompanyDeletionCheck, CompanyDeletionCheckProvider, type CompanyUsage, usage } from '../company';
import {
  CUSTOMER_ENTITY,
  type CustomerDeletionCheck,
  CustomerDeletionCheckProvider,
  type CustomerMergeParticipant,
  CustomerMergeParticipantProvider,
  type TimelineEntry,
  type TimelineQuery,
  type TimelineSource,
  TimelineSourceProvider,
} from '../customer';
import { OPPORTUNITY_ENTITY, OpportunityStatus, USAGE_LIMIT } from './opportunity.enums';
import { OpportunityRepository } from './opportunity.repository';
import { OpportunityService } from './opportunity.service';
import { PipelineService } from './pipeline.service';

/** A company with live deals can not be deleted (they would point at nothing). */
@CompanyDeletionCheckProvider()
@Injectable()
export class OpportunityCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly repo: OpportunityRepository) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const n = await this.repo.count({ companyId }, USAGE_LIMIT);
    return n ? usage('opportunities', n, 'opportunity', 'opportunities') : null;
  }
}

/**
 * Deleting a customer with open deals answers 409: a deal is somebody's work in progress, to be won,
 * lost (with a reason) or moved by a person, not closed silently by a side effect. Closed deals stay
 * with the soft-deleted customer (and come back with it on restore).
 */
@CustomerDeletionCheckProvider()
@Injectable()
export class OpportunityCustomerCheck implements CustomerDeletionCheck {
  constructor(private readonly repo: OpportunityRepository) {}

  async customerInUse(customerId: string) {
    const n = await this.repo.count({ customerId, status: OpportunityStatus.OPEN }, USAGE_LIMIT);
    return n ? { key: 'openOpportunities', count: n, label: `${n} open opportunit${n === 1 ? 'y' : 'ies'}` } : null;
  }
}

/** A customer going for good takes its deals with it (each through the purge hooks: audit, realtime log). */
@PurgeHookProvider()
@Injectable()
export class OpportunityPurge implements PurgeHook {
  constructor(
    private readonly repo: OpportunityRepository,
    private readonly purgeHooks: PurgeHooks,
  ) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (record.entityType !== CUSTOMER_ENTITY) return;
    for (const deal of await this.repo.idsOfCustomer(record.entityId)) {
      await this.purgeHooks.run({
        entityType: OPPORTUNITY_ENTITY,
        entityId: deal,
        companyId: record.companyId,
        leaveNoTrace: record.leaveNoTrace,
      });
    }
    await this.repo.removeForCustomer(record.entityId);
  }
}

const TIMELINE_DEALS = 500;

/** Stage changes of the customer's deals on its timeline (from each deal's stage history). */
const STAGE_KIND = 'opportunity_stage';

@TimelineSourceProvider(STAGE_KIND)
@Injectable()
export class OpportunityTimelineSource implements TimelineSource {
  constructor(private readonly repo: OpportunityRepository) {}

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    const deals = await this.repo.ofCustomer(q.customerId, TIMELINE_DEALS);
    const all: TimelineEntry[] = deals.flatMap((d) =>
      d.stageHistory.map((h, i) => ({
        kind: STAGE_KIND,
        at: h.at,
        actor: h.by,
        summary:
          h.from === null ? `Deal "${d.name}" opened in ${h.to}` : `Deal "${d.name}" moved from ${h.from} to ${h.to}`,
        ref: { type: 'opportunity', id: d._id.toHexString() },
        key: `opportunity:${d._id.toHexString()}:${String(i).padStart(3, '0')}`,
      })),
    );
    const before = q.before;
    return all
      .filter((e) => !before || e.at < before.at || (e.at.getTime() === before.at.getTime() && e.key < before.key))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.key < b.key ? 1 : -1))
      .slice(0, q.limit);
  }
}

/** The default pipeline, for tenants from before opportunities; new tenants get it at provisioning. */
@TenantMigrationProvider()
@Injectable()
export class DefaultPipelineSetup implements TenantMigration {
  readonly id = '2026-12-default-pipeline';
  readonly description = 'opportunities: the default pipeline';
  readonly atProvisioning = true;

  constructor(private readonly pipelines: PipelineService) {}

  async run(): Promise<number> {
    return (await this.pipelines.ensureDefault()).created ? 1 : 0;
  }
}

/** A customer merge: the sources' deals (open and closed) move to the survivor. */
@CustomerMergeParticipantProvider()
@Injectable()
export class OpportunityMergeParticipant implements CustomerMergeParticipant {
  readonly name = 'opportunities';

  constructor(private readonly deals: OpportunityService) {}

  count(sourceIds: readonly string[]): Promise<number> {
    return this.deals.countOfCustomers(sourceIds);
  }

  repoint(sourceIds: readonly string[], survivorId: string): Promise<number> {
    return this.deals.moveCustomers(sourceIds, survivorId);
  }
}
