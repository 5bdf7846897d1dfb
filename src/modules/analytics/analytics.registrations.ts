import { Injectable } from '@nestjs/common';
import { type PurgedRecord, type PurgeHook, PurgeHookProvider } from '@app/tenancy';
import { type CompanyDeletionCheck, CompanyDeletionCheckProvider, type CompanyUsage, usage } from '../company';
import {
  CUSTOMER_ENTITY,
  type CustomerSegmentCriteria,
  type CustomerSegmentResolver,
  CustomerSegmentResolverProvider,
} from '../customer';
import { AnalyticsStateRepository } from './analytics-state.repository';
import { ScoreRepository } from './scores/score.repository';
import { edgesKey } from './scores/scoring.service';
import { SegmentService } from './segments/segment.service';

const COMPANY_ENTITY = 'company';

/** A company may not be deleted while segments are filed under it: they would match nothing. */
@CompanyDeletionCheckProvider()
@Injectable()
export class SegmentCompanyCheck implements CompanyDeletionCheck {
  constructor(private readonly segments: SegmentService) {}

  async companyInUse(companyId: string): Promise<CompanyUsage | null> {
    const n = await this.segments.filedUnder(companyId);
    return n ? usage('segments', n, 'segment') : null;
  }
}

/** A customer going for good takes its scores with it; a company its quintile edges. */
@PurgeHookProvider()
@Injectable()
export class ScorePurge implements PurgeHook {
  constructor(
    private readonly scores: ScoreRepository,
    private readonly state: AnalyticsStateRepository,
  ) {}

  async purge(record: PurgedRecord): Promise<void> {
    if (record.entityType === CUSTOMER_ENTITY) await this.scores.remove(record.entityId);
    if (record.entityType === COMPANY_ENTITY) {
      await this.scores.removeForCompany(record.entityId);
      await this.state.remove(edgesKey(record.entityId));
    }
  }
}

/** Saved segments as the customer list applies them (`segmentId=`). */
@CustomerSegmentResolverProvider()
@Injectable()
export class SegmentCriteriaResolver implements CustomerSegmentResolver {
  constructor(private readonly segments: SegmentService) {}

  criteria(segmentId: string): Promise<CustomerSegmentCriteria> {
    return this.segments.criteria(segmentId);
  }
}
