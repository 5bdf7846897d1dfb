import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { expectHidden, type IsolationCheck, type IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from '../company';
import { CustomerService } from '../customer';
import { OpportunityService } from '../opportunity';
import { ActivityType } from './activity.enums';
import { ActivityService } from './activity.service';
import type { ActivityResponse } from './dto/activity.response';

interface ActivityFixture {
  companyId: string;
  customerId: string;
  opportunityId: string;
  activity: ActivityResponse;
}

/**
 * Tenant B must not read, list, change, complete, reopen or delete an activity of tenant A, nor add one
 * to A's customer or deal, nor list those of A's deal.
 */
@IsolationProbeProvider()
@Injectable()
export class ActivityIsolationProbe implements IsolationProbe<ActivityFixture> {
  readonly kind = 'activities';

  constructor(
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly activities: ActivityService,
    private readonly opportunities: OpportunityService,
  ) {}

  async plant(): Promise<ActivityFixture> {
    const marker = `probe${randomBytes(5).toString('hex')}`;
    const company = await this.companies.create({ name: `isolation-probe-${marker}` });
    let customerId = '';
    try {
      const customer = await this.customers.create({ companyId: company.id, name: `Customer ${marker}` });
      customerId = customer.id;
      const activity = await this.activities.create({
        type: ActivityType.TASK,
        subject: `Task ${marker}`,
        customerId: customer.id,
        dueAt: new Date(Date.now() - 60_000).toISOString(),
      });
      const deal = await this.opportunities.create({ customerId: customer.id, name: `Deal ${marker}`, amount: 1 });
      return { companyId: company.id, customerId: customer.id, opportunityId: deal.id, activity };
    } catch (e) {
      if (customerId) await this.customers.erase(customerId, { leaveNoTrace: true });
      await this.companies.remove(company.id, { leaveNoTrace: true });
      throw e;
    }
  }

  attack({ companyId, customerId, opportunityId, activity }: ActivityFixture): Promise<IsolationCheck[]> {
    const id = activity.id;
    return Promise.all([
      expectHidden('activity get from tenant B', () => this.activities.get(id)),
      expectHidden('activity list from tenant B', async () =>
        (await this.activities.list({ limit: 100 })).data.filter((a) => a.id === id),
      ),
      expectHidden('overdue tasks from tenant B', async () =>
        (await this.activities.list({ overdue: true, limit: 100 })).data.filter((a) => a.id === id),
      ),
      expectHidden("activities of A's customer from tenant B", () => this.activities.list({ customerId })),
      expectHidden("activities of A's company from tenant B", () => this.activities.list({ companyId })),
      expectHidden("activities of A's deal from tenant B", () => this.activities.list({ opportunityId })),
      expectHidden("activity on A's deal from tenant B", () =>
        this.activities.create({ type: ActivityType.NOTE, subject: 'planted by B', opportunityId }),
      ),
      expectHidden('activity update from tenant B', () => this.activities.update(id, { subject: 'hijacked' })),
      expectHidden('task complete from tenant B', () => this.activities.complete(id)),
      expectHidden('task reopen from tenant B', () => this.activities.reopen(id)),
      expectHidden('activity delete from tenant B', () => this.activities.remove(id)),
      expectHidden("activity on A's customer from tenant B", () =>
        this.activities.create({ type: ActivityType.NOTE, subject: 'planted by B', customerId }),
      ),
    ]);
  }

  async verify({ activity }: ActivityFixture): Promise<IsolationCheck[]> {
    const now = await this.activities.get(activity.id);
    const same = now.version === activity.version && now.subject === activity.subject && now.status === 'open';
    return [
      {
        name: 'activity unchanged in tenant A',
        passed: same,
        detail: same ? 'version, subject and status intact' : 'changed',
      },
    ];
  }

  /** Through the same erase path as a purge (the customer's purge takes its deals and activities), leaving no trace. */
  async cleanup({ companyId, customerId }: ActivityFixture): Promise<void> {
    if (customerId) await this.customers.erase(customerId, { leaveNoTrace: true });
    await this.companies.remove(companyId, { leaveNoTrace: true });
  }
}
