import { Injectable } from '@nestjs/common';
import { CustomerService } from '../../customer';
import { ActivityTargetType } from '../activity.enums';
import { type ActivityTarget, ActivityTargetProvider, type ActivityTargetResolver } from '../activity-targets';

/** Activities on a live customer the caller may see (else customer.not_found, 404). */
@ActivityTargetProvider()
@Injectable()
export class CustomerActivityTarget implements ActivityTargetResolver {
  readonly type = ActivityTargetType.CUSTOMER;

  constructor(private readonly customers: CustomerService) {}

  async resolve(id: string): Promise<ActivityTarget> {
    const c = await this.customers.get(id);
    return { type: this.type, id: c.id, companyId: c.companyId, customerId: c.id };
  }

  /** Under the customer's record lock: an activity lands before a merge of the customer (and moves) or 404s after. */
  attach<T>(id: string, write: (target: ActivityTarget) => Promise<T>): Promise<T> {
    return this.customers.whileLocked(id, async () => write(await this.resolve(id)));
  }
}
