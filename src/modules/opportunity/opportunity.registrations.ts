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
  isBefore,
  newestFirst,
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

const STAGE_KIND = 'opportunity_stage';

/**
 * Stage changes of the customer's deals on its timeline (from each deal's stage history): every live
 * deal's, however many the customer has, holding at most about twice a page of entries at a time.
 */
@TimelineSourceProvider(STAGE_KIND)
@Injectable()
export class OpportunityTimelineSource implements TimelineSource {
  constructor(private readonly repo: OpportunityRepository) {}

  async entries(q: TimelineQuery): Promise<TimelineEntry[]> {
    const before = q.before;
    let kept: TimelineEntry[] = [];
    for await (const d of this.repo.stageHistoriesOf(q.customerId)) {
      d.stageHistory.forEach((h, i) => {
        const entry: TimelineEntry = {
          kind: STAGE_KIND,
          at: h.at,
          actor: h.by,
          summary:
            h.from === null ? `Deal "${d.name}" opened in ${h.to}` : `Deal "${d.name}" moved from ${h.from} to ${h.to}`,
          ref: { type: 'opportunity', id: d._id.toHexString() },
          key: `opportunity:${d._id.toHexString()}:${String(i).padStart(3, '0')}`,
        };
        if (!before || isBefore(entry, before)) kept.push(entry);
      });
      if (kept.length > 2 * q.limit) kept = newest(kept, q.limit);
    }
    return newest(kept, q.limit);
  }
}

function newest(entries: TimelineEntry[], limit: number): TimelineEntry[] {
  return entries.sort(newestFirst).slice(0, limit);
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
