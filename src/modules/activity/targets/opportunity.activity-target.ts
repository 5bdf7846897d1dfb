import { Injectable } from '@nestjs/common';
import { type OpportunityResponse, OpportunityService } from '../../opportunity';
import { ActivityTargetType } from '../activity.enums';
import { type ActivityTarget, ActivityTargetProvider, type ActivityTargetResolver } from '../activity-targets';

/**
 * Activities on a live deal the caller may see, whose customer is live and visible too (else
 * opportunity.not_found, 404: a deleted deal, another tenant's, one outside the caller's companies).
 * Closed deals (won, lost) take activities: a note after the signature or a post-mortem call is
 * history of the deal.
 *
 * The activity joins the deal's customer: `customerId` is the deal's customer, so it appears in the
 * customer's timeline and in `GET /activities?customerId=`, and feeds the customer's rollups (a call
 * about a deal is activity with the customer: `lastActivityAt`; a task on a deal is work still owed
 * to the customer: `openTasks`). A deal deleted later keeps its activities on the customer (they are
 * what happened with the customer); purging the customer erases them with its deals.
 */
@ActivityTargetProvider()
@Injectable()
export class OpportunityActivityTarget implements ActivityTargetResolver {
  readonly type = ActivityTargetType.OPPORTUNITY;

  constructor(private readonly opportunities: OpportunityService) {}

  async resolve(id: string): Promise<ActivityTarget> {
    return this.targetOf(await this.opportunities.getWithLiveCustomer(id));
  }

  /**
   * Under the lock of the deal's customer, as on a customer target: the activity lands before a merge
   * of that customer (and moves with the deal's other activities) or after, under the survivor.
   */
  attach<T>(id: string, write: (target: ActivityTarget) => Promise<T>): Promise<T> {
    return this.opportunities.whileCustomerLocked(id, (deal) => write(this.targetOf(deal)));
  }

  private targetOf(deal: OpportunityResponse): ActivityTarget {
    return { type: this.type, id: deal.id, companyId: deal.companyId, customerId: deal.customerId };
  }
}
