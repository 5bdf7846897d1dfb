import { Injectable } from '@nestjs/common';
import type { PurgedRecord, PurgeHook } from '@app/tenancy';
import { PurgeHookProvider } from '@app/tenancy';
import {
  type CompanyDeletionCheck,
  CompanyDeletionCheckProvider,
  type CompanyUsage,
  usage,
  USAGE_COUNT_LIMIT,
} from '../company';
import { type CustomerMergeParticipant, CustomerMergeParticipantProvider } from '../customer';
import { type LeadConversion, type LeadConversionStep, LeadConversionStepProvider } from '../lead';
import { ActivityTargetType } from './activity.enums';
import { ActivityService } from './activity.service';

const TARGET_TYPES: readonly string[] = Object.values(ActivityTargetType);

/** A company with live activities can not be deleted: they would be filed under nothing. */
@CompanyDeletionCheckProvider()
@Injectable()
export class ActivityCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly activities: ActivityService) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const n = await this.activities.countInCompany(companyId, USAGE_COUNT_LIMIT);
    return n ? usage('activities', n, 'activity', 'activities') : null;
  }
}

/** A customer, lead or opportunity that goes for good takes its activities with it. */
@PurgeHookProvider()
@Injectable()
export class ActivityPurgeHook implements PurgeHook {
  constructor(private readonly activities: ActivityService) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (!TARGET_TYPES.includes(record.entityType)) return;
    await this.activities.eraseAbout(record.entityId, { leaveNoTrace: record.leaveNoTrace });
  }
}

/**
 * Part of a lead's conversion: the lead's activities follow it to the new customer (joining its
 * timeline and rollups). Runs under the lead's lock, so no activity is added to the lead meanwhile;
 * idempotent, so a conversion retried after a crash moves what is left.
 */
@LeadConversionStepProvider()
@Injectable()
export class ActivityLeadConversionStep implements LeadConversionStep {
  constructor(private readonly activities: ActivityService) {}

  async afterCustomerCreated(c: LeadConversion): Promise<void> {
    await this.activities.repoint(
      { type: ActivityTargetType.LEAD, id: c.leadId },
      { type: ActivityTargetType.CUSTOMER, id: c.customerId, companyId: c.companyId, customerId: c.customerId },
    );
  }
}

/** A customer merge: the sources' activities (their own and their deals') follow to the survivor. */
@CustomerMergeParticipantProvider()
@Injectable()
export class ActivityMergeParticipant implements CustomerMergeParticipant {
  readonly name = 'activities';

  constructor(private readonly activities: ActivityService) {}

  count(sourceIds: readonly string[]): Promise<number> {
    return this.activities.countOfCustomers(sourceIds);
  }

  repoint(sourceIds: readonly string[], survivorId: string): Promise<number> {
    return this.activities.moveCustomers(sourceIds, survivorId);
  }
}
